// The load test (`npm run bench:server -- --load`, or any of its options): many simulated widgets
// against one merchant backend for a minute. Each widget creates a session and polls its status
// every 2 s (jittered, as the element does); a simulated shopper approves each payment in the
// sandbox wallet after 1 to 20 s, which sends the webhook. Prints requests per second, latency,
// errors and payments lost (approved in the wallet, but not seen as succeeded by its widget):
// that last figure must be 0. bench-server.mjs imports it when asked for it.
//   options: --widgets 200 --seconds 60 --redis redis://127.0.0.1:6379
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const WIDGETS = Number(arg('widgets', 200));
const SECONDS = Number(arg('seconds', 60));
const POLL_MS = 2000;
const REDIS_URL = arg('redis', undefined);

const child = spawn(process.execPath, [new URL('./bench-merchant.mjs', import.meta.url).pathname], {
  env: { ...process.env, ...(REDIS_URL ? { REDIS_URL } : {}) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const { origin } = await new Promise((resolve, reject) => {
  child.stdout.once('data', (chunk) => resolve(JSON.parse(String(chunk))));
  child.once('exit', (code) => reject(new Error(`bench merchant exited with ${code}`)));
});

const latencies = { create: [], status: [] };
let errors = 0;
/** Errors by cause: an HTTP status, or the network error's name. */
const errorCauses = new Map();
const countError = (cause) => {
  errors++;
  errorCauses.set(cause, (errorCauses.get(cause) ?? 0) + 1);
};
/** Sessions the shopper approved in the wallet, and sessions whose widget saw `succeeded`. */
const approved = new Set();
const confirmed = new Set();

async function timed(kind, url, init) {
  const start = performance.now();
  try {
    const response = await fetch(url, init);
    const body = await response.json();
    latencies[kind].push(performance.now() - start);
    if (!response.ok) countError(`${kind} HTTP ${response.status} ${body?.code ?? ''}`.trim());
    return response.ok ? body : undefined;
  } catch (error) {
    countError(`${kind} ${error.cause?.code ?? error.name}`);
    return undefined;
  }
}

async function shopper(session) {
  await sleep(1000 + Math.random() * 19_000);
  const response = await fetch(`${session.qrCode ?? session.redirectUrl}/approve`, { method: 'POST', redirect: 'manual' }).catch(() => undefined);
  if (response?.status === 303) approved.add(session.id);
}

async function widget(deadline) {
  while (performance.now() < deadline) {
    const session = await timed('create', `${origin}/api/alipayhk/sessions`, {
      method: 'POST',
      headers: { 'Idempotency-Key': crypto.randomUUID(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ environment: { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false } }),
    });
    if (!session) {
      await sleep(POLL_MS);
      continue;
    }
    void shopper(session);
    // Poll until final, as the element does; keep polling past the deadline so nothing approved is left unconfirmed.
    for (;;) {
      await sleep(POLL_MS * (0.75 + Math.random() / 2));
      const status = await timed('status', `${origin}${session.statusUrl}`, { headers: { Accept: 'application/json' } });
      if (status?.status === 'succeeded') {
        confirmed.add(session.id);
        break;
      }
      if (status && status.status !== 'pending') break;
      if (performance.now() > deadline + 30_000) break;
    }
  }
}

const started = performance.now();
const deadline = started + SECONDS * 1000;
await Promise.all(Array.from({ length: WIDGETS }, async (_, i) => {
  await sleep((i / WIDGETS) * POLL_MS); // widgets arrive over the first interval, not all at once
  await widget(deadline);
}));
const elapsed = (performance.now() - started) / 1000;
const lost = [...approved].filter((id) => !confirmed.has(id)).length;
child.kill('SIGTERM');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
};
const all = [...latencies.create, ...latencies.status];
const rows = [
  ['store', REDIS_URL ? 'redis' : 'memory'],
  ['widgets', WIDGETS],
  ['duration (s)', elapsed.toFixed(1)],
  ['requests', all.length],
  ['requests / s', (all.length / elapsed).toFixed(0)],
  ['p50 latency (ms)', percentile(all, 50).toFixed(1)],
  ['p99 latency (ms)', percentile(all, 99).toFixed(1)],
  ['create p99 (ms)', percentile(latencies.create, 99).toFixed(1)],
  ['status p99 (ms)', percentile(latencies.status, 99).toFixed(1)],
  ['errors', errors],
  ...[...errorCauses].map(([cause, count]) => [`  of which ${cause}`, count]),
  ['payments approved', approved.size],
  ['payments confirmed', confirmed.size],
  ['payments lost', lost],
];
console.log('| measure | value |\n| --- | ---: |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
process.exit(errors === 0 && lost === 0 ? 0 : 1);
