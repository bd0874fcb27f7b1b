// `npm run bench:server`: the merchant backend's figures of issue 14, each from one run, in one
// table beside its target (exit 1 when one misses it). Every server is a process of its own
// (bench-merchant.mjs: the handler on node:http with a provider that needs no network;
// bench-bare-http.mjs: the baseline), the load generator another (autocannon), and the rows with
// several processes share one real redis-server started for the run. About a minute and a half.
//   1. the status route's requests/s ÷ bare node:http's, run alternately, memory and Redis store;
//   2. 5,000 idle streams in one process: the store operations they make;
//   3. a webhook applied on process A → the event on a stream held by process B, 1,000 payments;
//   4. provider calls per pending session per minute with 1, 2 and 4 processes behind a
//      round-robin balancer, each session polled at the widget's pace;
//   5. 10,000 streams across two processes, every payment approved through the other process:
//      streams per process, memory per stream, the store while they are idle, outcomes lost.
// The load test of earlier (simulated widgets for a minute, bench-load.mjs) runs instead with
// --load, or with any of its options: --widgets 200 --seconds 60 --redis <url>.
import { execSync, fork, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

if (['--load', '--widgets', '--seconds', '--redis'].some((option) => process.argv.includes(option))) {
  await import('./bench-load.mjs');
} else {
  await benchmark();
}

async function benchmark() {
  const { createClient } = await import('redis');
  const { startRedis } = await import('../test/node/server/redis-servers.mjs');
  const here = (name) => fileURLToPath(new URL(name, import.meta.url));
  const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
  const WEBHOOK_SECRET = 'whsec_bench_server';
  const DESKTOP = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };
  // No reconciler timer in the bench's processes: it is not what any row measures, and a tick
  // landing in a window would be counted as the streams' or the polls' doing.
  const HANDLER_OPTIONS = { reconcileIntervalMs: 0 };

  for (const [path, fix] of [[AUTOCANNON, 'npm install'], [here('../dist/server/index.js'), 'npx tsc -p tsconfig.server.json']]) {
    if (!existsSync(path)) {
      console.error(`bench:server needs ${path} (${fix})`);
      process.exit(1);
    }
  }

  // This process holds every stream's connection (and each merchant process half of them): fewer
  // streams than 10,000 when the descriptors allowed are fewer, and the row says so.
  const fdLimit = Number(execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim()) || Infinity;
  const STREAMS = Math.min(10_000, Math.floor((fdLimit - 300) / 2) * 2);
  if (STREAMS < 10_000) console.error(`ulimit -n is ${fdLimit}: ${STREAMS} streams instead of 10,000 (raise it with ulimit -n 10500)`);
  const loadBefore = loadavg()[0];
  const started = performance.now();
  const children = new Set();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const log = (message) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

  /** A bench process with an IPC channel: `{ child, origin, stats(gc?) }` once it listens. */
  async function startProcess(script, env = {}) {
    const child = fork(here(script), [], {
      env: { ...process.env, ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const waiting = new Map();
    let nextId = 0;
    const { origin } = await new Promise((resolve, reject) => {
      child.on('message', (message) => {
        if (message.ready) resolve(message);
        else waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      });
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
    return {
      child,
      origin,
      /** What the process counted so far (after garbage collection when `gc`). */
      stats: (gc = false) =>
        new Promise((resolve) => {
          const id = ++nextId;
          waiting.set(id, resolve);
          child.send({ id, type: 'stats', gc });
        }),
      stop: () => stopChild(child),
    };
  }
  /** A merchant backend with the stub provider, on the Redis at `redisUrl` (else the memory store). */
  const startMerchant = (redisUrl, { count = true, options = HANDLER_OPTIONS } = {}) =>
    startProcess('./bench-merchant.mjs', {
      BENCH_PROVIDER: 'stub',
      BENCH_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BENCH_COUNT: count ? '1' : '0',
      BENCH_OPTIONS: JSON.stringify(options),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    });
  async function stopChild(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

  /** One HTTP request on the keep-alive agent; the body parsed as JSON. */
  function request(origin, method, path, { headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const url = new URL(path, origin);
      const sent = body === undefined ? headers : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers };
      const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname, headers: sent, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function createSession(origin, orderId) {
    const body = JSON.stringify({ environment: DESKTOP, context: { orderId } });
    const { status, body: session } = await request(origin, 'POST', '/api/alipayhk/sessions', { headers: { 'Idempotency-Key': crypto.randomUUID() }, body });
    if (status !== 201) throw new Error(`create answered ${status}: ${JSON.stringify(session)}`);
    return session;
  }

  /** The provider's webhook for a session, signed as the stub provider checks it, sent to `origin`. */
  async function approve(origin, sessionId) {
    const body = JSON.stringify({ id: `evt_${sessionId}`, paymentId: `pay_${sessionId}`, status: 'succeeded' });
    const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
    const { status, body: answer } = await request(origin, 'POST', '/api/alipayhk/webhooks/bench', { headers: { 'X-Bench-Signature': signature }, body });
    if (status !== 200 || answer?.applied !== true) throw new Error(`webhook answered ${status}: ${JSON.stringify(answer)}`);
  }

  /**
   * A status stream on a connection of its own, as a browser's EventSource holds it. Resolves once
   * its first status came; `final` and `finalAt` (performance.now() when its chunk arrived) are set
   * by the first final status, and `whenFinal` resolves then.
   */
  function openStream(origin, path) {
    return new Promise((resolve, reject) => {
      const url = new URL(origin);
      let settle;
      const stream = { statuses: [], final: undefined, finalAt: undefined, whenFinal: new Promise((resolve) => (settle = resolve)), close: () => req.destroy() };
      const req = http.request({ host: url.hostname, port: url.port, path, headers: { Accept: 'text/event-stream' }, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`stream answered ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk) => {
          const at = performance.now();
          buffer += chunk;
          for (let end; (end = buffer.indexOf('\n\n')) >= 0; ) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^event: status\ndata: (.*)$/m.exec(block)?.[1];
            if (!data) continue; // a heartbeat
            const { status } = JSON.parse(data);
            stream.statuses.push(status);
            if (stream.statuses.length === 1) resolve(stream);
            if (status !== 'pending' && !stream.final) {
              stream.final = status;
              stream.finalAt = at;
              settle(status);
            }
          }
        });
        res.on('error', () => {});
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Runs `work(item, index)` over `items`, `concurrency` at a time. */
  async function inPool(items, concurrency, work) {
    const results = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) {
          const index = next++;
          results[index] = await work(items[index], index);
        }
      }),
    );
    return results;
  }

  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const storeOps = (stats) => sum(Object.values(stats.storeCalls));
  const percentile = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  };
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const int = (n) => Math.round(n).toLocaleString('en-US');

  /** Requests per second that autocannon, a process of its own, got from `url` in `seconds`, and how many. */
  async function load(url, seconds) {
    const child = spawn(process.execPath, [AUTOCANNON, '-c', '32', '-d', String(seconds), '-j', '-H', 'accept=application/json', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`autocannon exited with ${code}: ${err}`);
    const result = JSON.parse(out);
    if (result.errors || result.timeouts || result.non2xx) throw new Error(`autocannon against ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    return { rate: result.requests.total / result.duration, requests: result.requests.total };
  }

  const rows = [];
  let failure;
  /** A row of the table: `within` true or false against a target, undefined for a figure only reported. */
  const row = (measure, value, target, within) => rows.push({ measure, value, target, within });

  const redis = await startRedis();
  const admin = await createClient({ url: redis.url }).connect();
  const redisVersion = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1];
  try {
    // 1. The status route against bare node:http: each server a process of its own, loaded in
    // turn by autocannon (a process of its own, 32 connections), after a 1-s warm-up of each, in
    // six rounds of 2 s each. The ratio is the median of the rounds' ratios (each against the
    // bare run just before it), since the machine's other work comes and goes; beside it, the
    // server's CPU time per request, which the client's share of the cores does not change.
    {
      log('status route vs bare node:http (autocannon)');
      const bare = await startProcess('./bench-bare-http.mjs');
      const memory = await startMerchant(undefined, { count: false });
      const onRedis = await startMerchant(redis.url, { count: false });
      const targets = [
        ['bare', bare, `${bare.origin}/api/alipayhk/sessions/cs_0/status`],
        ['memory', memory, `${memory.origin}${(await createSession(memory.origin, 'RPS-MEMORY')).statusUrl}`],
        ['redis', onRedis, `${onRedis.origin}${(await createSession(onRedis.origin, 'RPS-REDIS')).statusUrl}`],
      ];
      for (const [, , url] of targets) await load(url, 1);
      const runs = { bare: [], memory: [], redis: [] };
      for (let round = 0; round < 6; round++) {
        for (const [name, server, url] of targets) {
          const before = (await server.stats()).cpu;
          const { rate, requests } = await load(url, 2);
          const after = (await server.stats()).cpu;
          runs[name].push({ rate, cpuPerRequest: (after.user + after.system - before.user - before.system) / requests });
        }
      }
      // The median as statistics defines it: with an even count, the mean of the middle two (the
      // lower of them alone would read every run low).
      const median = (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const middle = sorted.length / 2;
        return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
      };
      const ratio = (name) => median(runs[name].map((run, i) => run.rate / runs.bare[i].rate));
      const rate = (name) => median(runs[name].map((run) => run.rate));
      const cpu = (name) => median(runs[name].map((run) => run.cpuPerRequest));
      const figure = (name) => `${ratio(name).toFixed(2)} (${int(rate(name))} / ${int(rate('bare'))} req/s; server CPU ${cpu(name).toFixed(1)} / ${cpu('bare').toFixed(1)} µs a request)`;
      row('status route requests/s ÷ bare `node:http`, memory store (median of 6 alternate rounds)', figure('memory'), '≥ 0.85', ratio('memory') >= 0.85);
      row('status route requests/s ÷ bare `node:http`, Redis store (same run)', figure('redis'), 'reported');
      log(`  req/s by round: ${JSON.stringify(Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, list.map((run) => Math.round(run.rate))])))}`);
      await Promise.all([bare.stop(), memory.stop(), onRedis.stop()]);
    }

    // --status-only: the first row alone (a quick look at the hot path).
    if (!process.argv.includes('--status-only')) {
    // 2. Idle streams: 5,000 in one process on the Redis store, twenty on each of 250 pending
    // sessions (the per-session cap), and what that process asks of the store over 5 s while
    // nothing happens. Its providerCheckIntervalMs is 10 minutes, so that no provider check of the
    // sessions (the fallback when no webhook comes, measured with 10,000 streams below) falls in
    // the window: what is left is what the streams themselves cost.
    {
      log('idle streams: 5,000 on 250 sessions, one process');
      // Heartbeats every second: the sessions' stream timers tick five times in the window.
      const idle = await startMerchant(redis.url, { options: { ...HANDLER_OPTIONS, providerCheckIntervalMs: 600_000, streamHeartbeatMs: 1000 } });
      const sessions = await inPool(Array.from({ length: 250 }, (_, i) => `IDLE-${i}`), 32, (orderId) => createSession(idle.origin, orderId));
      const streams = await inPool(sessions.flatMap((session) => Array(20).fill(session)), 64, (session) => openStream(idle.origin, session.statusUrl));
      await sleep(1000);
      const before = await idle.stats();
      await sleep(5000);
      const after = await idle.stats();
      const idleOps = (storeOps(after) - storeOps(before)) / 5;
      row(
        `store operations/s while idle, ${int(after.openStreams)} streams (20 on each of 250 sessions) in one process`,
        idleOps.toFixed(1),
        '~0 (before issue 14: ~1 a stream)',
        idleOps <= 0.5,
      );
      for (const stream of streams) stream.close();
      await idle.stop();
    }

    // 3. Webhook on A → event on B's stream, two processes on the Redis store: 1,000 payments, one
    // at a time, each stream open on B from the start (B holds 1,000), each webhook signed and sent
    // to A. From the webhook request's start to the event's chunk on B's stream.
    {
      const a = await startMerchant(redis.url);
      const b = await startMerchant(redis.url);
      log('webhook on A → event on B, 1,000 payments');
      const payments = await inPool(Array.from({ length: 1000 }, (_, i) => `PUSH-${i}`), 32, (orderId) => createSession(a.origin, orderId));
      const held = await inPool(payments, 32, (session) => openStream(b.origin, session.statusUrl));
      const latencies = [];
      for (let i = 0; i < payments.length; i++) {
        const sentAt = performance.now();
        await approve(a.origin, payments[i].id);
        await Promise.race([held[i].whenFinal, sleep(5000)]);
        if (held[i].final !== 'succeeded') throw new Error(`payment ${i}: no succeeded event on B's stream within 5 s`);
        latencies.push(held[i].finalAt - sentAt);
      }
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      row('webhook applied on process A → event on a stream held by process B, p50 / p99 of 1,000', `${p50.toFixed(1)} / ${p99.toFixed(1)} ms (max ${Math.max(...latencies).toFixed(1)})`, 'p99 < 50 ms', p99 < 50);
      for (const stream of held) stream.close();
      await Promise.all([a.stop(), b.stop()]);
    }

    // 4. Provider calls per pending session per minute with 1, 2 and 4 processes (the three sets
    // at once, 7 processes on one Redis): 100 sessions per set, each polled by one widget every
    // 2 s (±25 %, as the element does in its first minute) through a round-robin balancer over
    // the set's processes, so every set gets the same requests; calls counted over 20 s after 2 s.
    {
      log('provider calls per session per minute, 1, 2 and 4 processes');
      const sets = [];
      for (const size of [1, 2, 4]) sets.push(await Promise.all(Array.from({ length: size }, () => startMerchant(redis.url))));
      const SESSIONS = 100;
      const sessionsOf = await Promise.all(
        sets.map((set, s) => inPool(Array.from({ length: SESSIONS }, (_, i) => `POLL-${set.length}-${s}-${i}`), 16, (orderId) => createSession(set[0].origin, orderId))),
      );
      const calls = async (set) => sum((await Promise.all(set.map((merchant) => merchant.stats()))).map((stats) => stats.providerCalls.getPayment));
      let polling = true;
      let failedPolls = 0;
      const widgets = sets.flatMap((set, s) =>
        sessionsOf[s].map(async (session) => {
          await sleep(Math.random() * 2000);
          for (let turn = 0; polling; turn++) {
            const { status, body } = await request(set[turn % set.length].origin, 'GET', session.statusUrl, { headers: { Accept: 'application/json' } });
            if (status !== 200 || body.status !== 'pending') failedPolls++;
            await sleep(2000 * (0.75 + Math.random() / 2));
          }
        }),
      );
      await sleep(2000);
      const before = await Promise.all(sets.map(calls));
      await sleep(20_000);
      const after = await Promise.all(sets.map(calls));
      polling = false;
      await Promise.all(widgets);
      const perMinute = sets.map((_, s) => (after[s] - before[s]) / SESSIONS / (20 / 60));
      // Not more with more processes (10 % for the run's noise), and never more than once per 5 s.
      const notGrowing = perMinute.every((n) => n <= 12 && n <= perMinute[0] * 1.1);
      row(
        'provider calls per pending session per minute, 1 / 2 / 4 processes',
        perMinute.map((n) => n.toFixed(1)).join(' / ') + (failedPolls ? ` (${failedPolls} polls failed)` : ''),
        'no more with 2 and 4 than with 1; ≤ 12',
        notGrowing && failedPolls === 0,
      );
      await Promise.all(sets.flat().map((merchant) => merchant.stop()));
    }

    // 5. 10,000 streams across two processes on one Redis: 5,000 sessions made on each, each
    // session's stream held by the other process, each payment approved by a webhook to the
    // process that made it, so every outcome crosses Redis. Memory before and after the streams
    // (after garbage collection); outcomes received on the streams and heard by onStatusChange.
    {
      log(`${int(STREAMS)} streams across two processes`);
      await admin.flushAll();
      const pair = [await startMerchant(redis.url), await startMerchant(redis.url)];
      const TOTAL = STREAMS;
      const made = await inPool(Array.from({ length: TOTAL }, (_, i) => i), 64, (i) => createSession(pair[i % 2].origin, `TEN-K-${i}`));
      log(`  ${int(TOTAL / 2)} sessions made on each; opening the streams`);
      const memoryBefore = await Promise.all(pair.map((merchant) => merchant.stats(true)));
      const streams = await inPool(made, 64, (session, i) => openStream(pair[(i + 1) % 2].origin, session.statusUrl));
      const memoryAfter = await Promise.all(pair.map((merchant) => merchant.stats(true)));
      const open = memoryAfter.map((stats) => stats.openStreams);
      const heapPerStream = sum(memoryAfter.map((stats, p) => stats.memory.heapUsed - memoryBefore[p].memory.heapUsed)) / sum(open);
      const rssPerStream = sum(memoryAfter.map((stats, p) => stats.memory.rss - memoryBefore[p].memory.rss)) / sum(open);
      row('open streams per process, two processes on one Redis', open.map(int).join(' + '), '5,000 each', open.every((n) => n === 5000));
      row('memory per open stream, one session each (heap / RSS, after GC)', `${kb(heapPerStream)} / ${kb(rssPerStream)}`, 'reported');
      const idleBefore = await Promise.all(pair.map((merchant) => merchant.stats()));
      await sleep(5000);
      const idleAfter = await Promise.all(pair.map((merchant) => merchant.stats()));
      const idleOps = sum(idleAfter.map((stats, p) => storeOps(stats) - storeOps(idleBefore[p]))) / 5;
      row(
        `store operations/s while those ${int(TOTAL)} streams are idle (${int(TOTAL)} pending sessions)`,
        `${int(idleOps)} (${(idleOps / TOTAL).toFixed(2)} per session)`,
        'the provider-check fallback only: ≤ 0.6 per session',
        idleOps / TOTAL <= 0.6 * 1.1,
      );
      log(`  approving all ${int(TOTAL)} through the other process`);
      const approveStarted = performance.now();
      await inPool(made, 64, (session, i) => approve(pair[i % 2].origin, session.id));
      const approveSeconds = (performance.now() - approveStarted) / 1000;
      log(`  webhooks answered at ${int(TOTAL / approveSeconds)} a second`);
      await Promise.race([Promise.all(streams.map((stream) => stream.whenFinal)), sleep(15_000)]);
      const received = streams.filter((stream) => stream.final === 'succeeded').length;
      const heard = sum((await Promise.all(pair.map((merchant) => merchant.stats()))).map((stats) => stats.statusChanges));
      row(
        `outcomes lost, ${int(TOTAL)} streams, every payment approved through the other process`,
        `${int(TOTAL - received)} of ${int(TOTAL)} (\`onStatusChange\` heard ${int(heard)})`,
        TOTAL === 10_000 ? '0' : '0 of 10,000 (ulimit -n)',
        TOTAL === 10_000 && received === TOTAL && heard === TOTAL,
      );
      for (const stream of streams) stream.close();
      await Promise.all(pair.map((merchant) => merchant.stop()));
    }
    }
  } catch (error) {
    // The rows so far are still worth printing; the run fails.
    failure = error;
  } finally {
    await Promise.all([...children].map(stopChild));
    await admin.close().catch(() => undefined);
    await redis.stop();
    agent.destroy();
  }

  const seconds = (performance.now() - started) / 1000;
  const cores = cpus();
  console.log(`npm run bench:server, ${new Date().toISOString().slice(0, 10)}: ${cores.length} cores (${cores[0]?.model.trim()}), Node ${process.version}, redis-server ${redisVersion}; ran in ${seconds.toFixed(0)} s.`);
  console.log(`Figures from a ${cores.length}-core machine: the servers, the load generator and Redis share it (load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after).\n`);
  console.log('| measure | value | target | within |\n| --- | ---: | --- | :-: |');
  for (const { measure, value, target, within } of rows) console.log(`| ${measure} | ${value} | ${target} | ${within === undefined ? '–' : within ? '✓' : '✗'} |`);
  if (failure) console.error(`\nbench:server stopped: ${failure.stack}`);
  process.exit(failure || rows.some((r) => r.within === false) ? 1 : 0);
}
