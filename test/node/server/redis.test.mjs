// redisStore against a real redis-server (Debian package, started here on 127.0.0.1), and two
// merchant processes sharing it: create on one, webhook to the other, status from the first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { redisStore, startSandbox } from '../../../dist/server/index.js';
import { DESKTOP, quietLogger } from './helpers.mjs';
import { freePort } from '../free-port.mjs';
import { startProcess, startRedis, stopProcess } from './redis-servers.mjs';
import { openStream, pushContract, until } from './push-contract.mjs';
import { storeContract } from './store-contract.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let redis;
let client;
let otherClient; // another process's connection
let redisUrl;
const stores = [];

before(async () => {
  redis = await startRedis();
  redisUrl = redis.url;
  client = await createClient({ url: redisUrl }).connect();
  otherClient = await createClient({ url: redisUrl }).connect();
});

after(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await client?.close();
  await otherClient?.close();
  await redis?.stop();
});

/** A redisStore closed after the file's tests (its subscription connection with it). */
function store(on, options) {
  const made = redisStore(on, options);
  stores.push(made);
  return made;
}

/** The connections the server has open now. */
async function connections() {
  return (await client.sendCommand(['CLIENT', 'LIST'])).trim().split('\n').length;
}

describe('redisStore: the SessionStore contract on a real Redis', () => {
  let made = 0;
  const prefix = () => `contract${Date.now()}-${made++}:`;
  storeContract(() => store(client, { prefix: prefix() }), {
    twoProcesses() {
      const shared = prefix();
      return [store(client, { prefix: shared }), store(otherClient, { prefix: shared })];
    },
  });

  it('forgets entries after their TTL', async () => {
    const store = redisStore(client, { prefix: `ttl${Date.now()}:` });
    await store.create('k', 'v', 150);
    assert.equal((await store.get('k')).value, 'v');
    await sleep(300);
    assert.equal(await store.get('k'), undefined);
  });
});

describe('redisStore pub/sub on a real Redis', () => {
  it('puts its prefix on channel names', async () => {
    const prefix = `channels${Date.now()}:`;
    const subscriber = await client.duplicate().connect();
    const received = [];
    await subscriber.subscribe(`${prefix}status`, (message) => received.push(message));
    await store(client, { prefix }).publish('status', 'hello');
    await until(() => received.length === 1, 'the message');
    assert.deepEqual(received, ['hello']);
    await subscriber.close();
  });

  it('opens one connection for its subscriptions with the first, and closes it with the last', async () => {
    const prefix = `connection${Date.now()}:`;
    const subscribing = store(client, { prefix });
    const before = await connections();
    const endStatus = await subscribing.subscribe('status', () => {});
    const endOther = await subscribing.subscribe('other', () => {});
    assert.equal(await connections(), before + 1);
    assert.deepEqual((await client.pubSubChannels(`${prefix}*`)).sort(), [`${prefix}other`, `${prefix}status`]);
    await endStatus();
    assert.deepEqual(await client.pubSubChannels(`${prefix}*`), [`${prefix}other`]);
    await endOther();
    await until(async () => (await connections()) === before, 'the connection to close');
    assert.deepEqual(await client.pubSubChannels(`${prefix}*`), []);
  });

  it('close() ends the subscriptions and their connection, refuses new ones, and leaves the client open', async () => {
    const prefix = `close${Date.now()}:`;
    const closing = redisStore(client, { prefix });
    const before = await connections();
    const end = await closing.subscribe('status', () => {});
    await closing.close();
    await until(async () => (await connections()) === before, 'the connection to close');
    assert.deepEqual(await client.pubSubChannels(`${prefix}*`), []);
    await assert.rejects(closing.subscribe('status', () => {}), /close/);
    await end(); // harmless after close()
    await closing.publish('status', 'still publishes');
    assert.equal(await closing.create('k', 1, 10_000), true);
  });

  it('subscribes on the `subscriber` given, and leaves it open', async () => {
    const prefix = `given${Date.now()}:`;
    const subscriber = await client.duplicate().connect();
    const subscribing = store(client, { prefix, subscriber });
    const before = await connections();
    const received = [];
    const end = await subscribing.subscribe('status', (message) => received.push(message));
    assert.equal(await connections(), before);
    await store(otherClient, { prefix }).publish('status', 'hello');
    await until(() => received.length === 1, 'the message');
    await end();
    await subscribing.close();
    assert.equal(subscriber.isOpen, true);
    assert.deepEqual(await client.pubSubChannels(`${prefix}*`), []);
    await subscriber.close();
  });
});

describe('status streams on one Redis, each handler on its own client as two processes would be (the push contract)', () => {
  let made = 0;
  pushContract(() => {
    const shared = `push${Date.now()}-${made++}:`;
    return [store(client, { prefix: shared }), store(otherClient, { prefix: shared })];
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
    const a = await startProcess(process.execPath, [script], /listening (\d+)/, { env: { ...process.env, ...env } });
    const b = await startProcess(process.execPath, [script], /listening (\d+)/, { env: { ...process.env, ...env, PORT: String(portB) } });
    processes.push(a.child, b.child);
    urls = [`http://127.0.0.1:${a.match[1]}`, `http://127.0.0.1:${b.match[1]}`];
  });

  after(async () => {
    // Waited for: a process still quitting its Redis client when the file's after() stops Redis
    // would reconnect for ever, and its open pipes kept this file from ending (a hang seen here).
    await Promise.all(processes.map(stopProcess));
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
    const doomed = await startProcess(process.execPath, [script], /listening (\d+)/, { env: { ...process.env, ...env } });
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

  it("a stream held by A hears the webhook applied by B through Redis pub/sub; 20 idle streams send Redis nothing", async () => {
    const [a] = urls;
    const session = await create(a, crypto.randomUUID());
    const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(`${a}${session.statusUrl}`)));
    await until(() => streams.every((stream) => stream.events.length === 1), 'the first event on every stream');
    const commands = async () => Number((await client.info('stats')).match(/total_commands_processed:(\d+)/)[1]);
    const before = await commands();
    // Nothing happens but heartbeats (every 20 ms): five on every stream, the session timer's ticks.
    const comments = streams.map((stream) => stream.comments);
    await until(() => streams.every((stream, i) => stream.comments >= comments[i] + 5), 'five heartbeats on every stream');
    // The INFO calls themselves are the only commands (the processes' provider checks are a minute apart).
    assert.ok((await commands()) - before <= 2, 'no Redis traffic from idle streams');
    const approvedAt = Date.now();
    const wallet = await fetch(`${session.redirectUrl}/approve`, { method: 'POST', redirect: 'manual' });
    assert.equal(wallet.status, 303);
    await Promise.all(streams.map((stream) => stream.done));
    for (const stream of streams) assert.deepEqual(stream.events.map((event) => event.data), [{ status: 'pending' }, { status: 'succeeded' }]);
    assert.ok(Date.now() - approvedAt < 2000, 'pushed across processes');
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
