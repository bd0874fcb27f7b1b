// redisStore against a real redis-server (Debian package, started here on 127.0.0.1), and two
// merchant processes sharing it: create on one, webhook to the other, status from the first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { redisStore, startSandbox } from '../../../dist/server/index.js';
import { DESKTOP, quietLogger } from './helpers.mjs';
import { freePort } from '../free-port.mjs';
import { storeContract } from './store-contract.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a child process and resolves once a line of its output matches `ready`. */
function startProcess(command, args, ready, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => reject(new Error(`${command} could not start (${error.message}); CI installs it with apt-get`)));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
  });
}

let redis;
let client;
let redisUrl;

before(async () => {
  const port = await freePort();
  redis = (await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/)).child;
  redisUrl = `redis://127.0.0.1:${port}`;
  client = createClient({ url: redisUrl });
  await client.connect();
});

after(async () => {
  await client?.quit();
  redis?.kill();
});

describe('redisStore: the SessionStore contract on a real Redis', () => {
  let stores = 0;
  storeContract(() => redisStore(client, { prefix: `contract${Date.now()}-${stores++}:` }));

  it('forgets entries after their TTL', async () => {
    const store = redisStore(client, { prefix: `ttl${Date.now()}:` });
    await store.create('k', 'v', 150);
    assert.equal((await store.get('k')).value, 'v');
    await sleep(300);
    assert.equal(await store.get('k'), undefined);
  });
});

describe('two merchant processes on one Redis', () => {
  let sandbox;
  const processes = [];
  let urls;

  before(async () => {
    // Process B takes the webhooks: its port must be known before the sandbox starts.
    const portB = await freePort();
    sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: `http://127.0.0.1:${portB}/api/alipayhk/webhooks/checkout-com`, logger: quietLogger });
    const env = { REDIS_URL: redisUrl, PROVIDER_OPTIONS: JSON.stringify(sandbox.adapterOptions) };
    const script = new URL('./merchant-process.mjs', import.meta.url).pathname;
    const a = await startProcess(process.execPath, [script], /listening (\d+)/, env);
    const b = await startProcess(process.execPath, [script], /listening (\d+)/, { ...env, PORT: String(portB) });
    processes.push(a.child, b.child);
    urls = [`http://127.0.0.1:${a.match[1]}`, `http://127.0.0.1:${b.match[1]}`];
  });

  after(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await sandbox?.close();
  });

  const create = (url, key) =>
    fetch(`${url}/api/alipayhk/sessions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body: JSON.stringify({ environment: DESKTOP }) }).then((r) => r.json());

  it('the same Idempotency-Key sent to both processes at once makes one session and one payment', async () => {
    const before = sandbox.payments().length;
    const key = crypto.randomUUID();
    const answers = await Promise.all([...Array(10)].flatMap(() => urls.map((url) => create(url, key))));
    assert.equal(new Set(answers.map((a) => a.id)).size, 1);
    assert.equal(sandbox.payments().length, before + 1);
  });

  it('a process that dies holding a key blocks it for one lease, not for a day', { timeout: 30_000 }, async () => {
    const script = new URL('./merchant-process.mjs', import.meta.url).pathname;
    const env = { REDIS_URL: redisUrl, PROVIDER_OPTIONS: JSON.stringify(sandbox.adapterOptions), CLAIM_LEASE_MS: '600', ORDER_HANGS: '1' };
    const doomed = await startProcess(process.execPath, [script], /listening (\d+)/, env);
    const key = crypto.randomUUID();
    const calledOrder = new Promise((resolve) => doomed.child.stdout.on('data', (chunk) => String(chunk).includes('order called') && resolve()));
    create(`http://127.0.0.1:${doomed.match[1]}`, key).catch(() => undefined);
    await calledOrder; // it holds the key now
    const exited = new Promise((resolve) => doomed.child.once('exit', resolve));
    doomed.child.kill('SIGKILL');
    await exited;
    const before = sandbox.payments().length;
    const session = await create(urls[0], key);
    assert.match(session.id, /^cs_/);
    assert.equal(sandbox.payments().length, before + 1);
  });

  it('create on A, webhook to B, status from A sees it, without asking the provider', async () => {
    const [a] = urls;
    const session = await create(a, crypto.randomUUID());
    const status = () => fetch(`${a}${session.statusUrl}`).then((r) => r.json());
    assert.deepEqual(await status(), { status: 'pending' });
    const payment = sandbox.payments().find((p) => session.redirectUrl.endsWith(p.id));
    const wallet = await fetch(`${session.redirectUrl}/approve`, { method: 'POST', redirect: 'manual' });
    assert.equal(wallet.status, 303);
    payment.outcome = undefined; // the provider's status API now says pending: only the webhook to B knows
    assert.deepEqual(await status(), { status: 'succeeded' });
  });
});
