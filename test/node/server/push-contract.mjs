// What issue 14 asks of the status streams on any shared store, run against each (push.test.mjs:
// the memory store in one process; redis.test.mjs: a single redis-server; redis-cluster.test.mjs:
// a 3-node cluster). Each "process" is a handler with its own store on the one backend (for
// Redis, its own client and subscription connection), as two server processes hold it:
// - a status change applied by one reaches the streams another holds, through the store's pub/sub,
//   and idle streams make no store traffic;
// - streams are capped per session and per process (429 with Retry-After);
// - the provider is asked about a pending session at most once per interval across processes (a
//   lease in the store).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createCheckoutHandler } from '../../../dist/server/index.js';
import { countingStore, listen, quietLogger } from './helpers.mjs';

const DESKTOP = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };

/** Opens the status stream and collects its events and comments as they come. */
export async function openStream(url, signal) {
  const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal });
  const stream = { response, events: [], comments: 0, ended: false };
  stream.done = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) stream.comments++;
          const event = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (data !== undefined) stream.events.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
    stream.ended = true;
  })();
  return stream;
}

/** Resolves once `predicate()` (which may be async) holds, checking every 5 ms; a condition, not a sleep. */
export async function until(predicate, message, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A provider for these tests: payments `pay_<session id>` that stay pending as far as
 * `getPayment` knows (its calls counted), and webhooks that are the JSON `{ id, paymentId, status }`
 * they carry (no signature: what is tested here is what happens once one is verified).
 * `expiresInMs`: each payment's code expires that long after it is made.
 */
export function stubProvider({ expiresInMs } = {}) {
  const provider = {
    name: 'stub',
    calls: 0,
    mapStatus: () => 'pending',
    createPayment: async ({ sessionId }) => ({
      paymentId: `pay_${sessionId}`, status: 'pending', providerStatus: 'open', qrCode: 'https://qr.example/1',
      ...(expiresInMs ? { expiresAt: new Date(Date.now() + expiresInMs).toISOString() } : {}),
    }),
    getPayment: async (paymentId) => {
      provider.calls++;
      return { paymentId, status: 'pending', providerStatus: 'open' };
    },
    parseWebhook: async (raw) => {
      const event = JSON.parse(raw.toString('utf8'));
      return { eventId: event.id, paymentId: event.paymentId, status: event.status, providerStatus: event.status };
    },
  };
  return provider;
}

let orders = 0;

/** A handler of `provider` on its own node:http server, with `options` (its store among them). */
export async function stubMerchant(provider, options = {}) {
  const handler = createCheckoutHandler({
    basePath: '/api', provider, returnUrl: 'https://shop.example/', logger: quietLogger,
    // A new order each time: one order has one payable payment.
    order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: `r${process.pid}-${++orders}` }),
    ...options,
  });
  const server = await listen((req, res) => handler(req, res));
  return {
    url: server.url,
    async create(key = `k-${Math.random()}`) {
      const created = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body: JSON.stringify({ environment: DESKTOP }) });
      assert.equal(created.status, 201);
      return created.json();
    },
    /** The provider's webhook saying the session's payment reached `status`. */
    async webhook(session, status) {
      const body = JSON.stringify({ id: `evt_${session.id}`, paymentId: `pay_${session.id}`, status });
      const answer = await fetch(`${server.url}/api/webhooks/stub`, { method: 'POST', body });
      return { status: answer.status, body: await answer.json() };
    },
    async close() {
      await handler.close();
      await server.close();
    },
  };
}

/** Registers the tests; `twoStores()` gives two stores on one empty backend, one for each process. */
export function pushContract(twoStores) {
  it("a stream held by one process hears the outcome another applied, through the store's pub/sub; idle streams make no store traffic", async () => {
    const [storeA, storeB] = await twoStores();
    const counted = countingStore(storeA);
    const applying = countingStore(storeB);
    const provider = stubProvider();
    // Provider checks a minute apart, so none is due in the idle window below; heartbeats every
    // 20 ms, so that the session's timer ticks there many times.
    const a = await stubMerchant(provider, { store: counted, providerCheckIntervalMs: 60_000, streamHeartbeatMs: 20 });
    const b = await stubMerchant(provider, { store: applying, providerCheckIntervalMs: 60_000 });
    try {
      const session = await b.create();
      const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(`${a.url}${session.statusUrl}`)));
      await until(() => streams.every((stream) => stream.events.length === 1), 'the first event on every stream');
      const before = { ...counted.counts };
      const callsBefore = provider.calls; // a first provider check when the streams opened
      // Nothing happens but heartbeats: five on every stream (the shared timer's ticks).
      const comments = streams.map((stream) => stream.comments);
      await until(() => streams.every((stream, i) => stream.comments >= comments[i] + 5), 'five heartbeats on every stream');
      assert.deepEqual(counted.counts, before, '20 idle streams read and write nothing');
      const approvedAt = Date.now();
      assert.deepEqual(await b.webhook(session, 'succeeded'), { status: 200, body: { received: true, applied: true } });
      await Promise.all(streams.map((stream) => stream.done));
      for (const stream of streams) assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }, { status: 'succeeded' }]);
      assert.ok(Math.max(...streams.map((stream) => stream.events[1].at)) - approvedAt < 2000, 'pushed, not found at a later read');
      assert.equal(counted.published.length, 0, 'not published by the process holding the streams');
      assert.deepEqual(applying.published.map(({ message }) => JSON.parse(message)), [{ id: session.id, status: { status: 'succeeded' } }], 'published once, by the process that applied it');
      assert.equal(provider.calls, callsBefore, 'the webhook alone, no provider check since');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('past the cap per session, and past the cap per process, a stream is refused with 429 and Retry-After', async () => {
    const [store] = await twoStores();
    const merchant = await stubMerchant(stubProvider(), { store, maxStreamsPerSession: 2, maxStreams: 3, providerCheckIntervalMs: 5000 });
    const leave = new AbortController();
    try {
      const first = await merchant.create();
      const open = [await openStream(`${merchant.url}${first.statusUrl}`, leave.signal), await openStream(`${merchant.url}${first.statusUrl}`, leave.signal)];
      await until(() => open.every((stream) => stream.events.length === 1), 'two streams');
      const third = await fetch(`${merchant.url}${first.statusUrl}`, { headers: { Accept: 'text/event-stream' } });
      assert.equal(third.status, 429);
      assert.equal(third.headers.get('retry-after'), '5');
      assert.equal((await third.json()).code, 'too_many_streams');
      // The JSON status is still there for the widget to poll.
      assert.equal((await fetch(`${merchant.url}${first.statusUrl}`)).status, 200);

      const other = await merchant.create();
      open.push(await openStream(`${merchant.url}${other.statusUrl}`, leave.signal));
      await until(() => open[2].events.length === 1, 'a third stream, of another session');
      const fourth = await fetch(`${merchant.url}${other.statusUrl}`, { headers: { Accept: 'text/event-stream' } });
      assert.equal(fourth.status, 429, 'the process is at its cap');

      // A stream that ends makes room, once the server has seen it close (asked again until then).
      leave.abort();
      await Promise.all(open.map((stream) => stream.done));
      const again = new AbortController();
      let after;
      for (const deadline = Date.now() + 5000; ; ) {
        after = await openStream(`${merchant.url}${other.statusUrl}`, again.signal);
        if (after.response.status === 200) break;
        assert.equal(after.response.status, 429);
        assert.ok(Date.now() < deadline, 'room again within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await until(() => after.events.length === 1, 'room again');
      again.abort();
      await after.done;
    } finally {
      await merchant.close();
    }
  });

  it('a burst of streams at once stops at the cap per session: it counts streams still opening', async () => {
    const [store] = await twoStores();
    const merchant = await stubMerchant(stubProvider(), { store, maxStreamsPerSession: 2, providerCheckIntervalMs: 5000 });
    const leave = new AbortController();
    try {
      const session = await merchant.create();
      const burst = await Promise.all(Array.from({ length: 6 }, () => openStream(`${merchant.url}${session.statusUrl}`, leave.signal)));
      assert.deepEqual(burst.map((stream) => stream.response.status).sort(), [200, 200, 429, 429, 429, 429]);
    } finally {
      leave.abort();
      await merchant.close();
    }
  });

  it('two processes polling one session make the provider calls of one (a lease in the store)', async () => {
    const [storeA, storeB] = await twoStores();
    const provider = stubProvider();
    const interval = 200;
    const a = await stubMerchant(provider, { store: storeA, providerCheckIntervalMs: interval });
    const b = await stubMerchant(provider, { store: storeB, providerCheckIntervalMs: interval });
    try {
      const session = await a.create();
      const startedAt = Date.now();
      // Both processes are polled as fast as 50 widgets would: every 10 ms each.
      while (Date.now() - startedAt < 1000) {
        const answers = await Promise.all([fetch(`${a.url}${session.statusUrl}`), fetch(`${b.url}${session.statusUrl}`)]);
        assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const elapsed = Date.now() - startedAt;
      // One process alone would ask at most once per interval: elapsed / interval, and one more.
      assert.ok(provider.calls <= Math.ceil(elapsed / interval) + 1, `${provider.calls} calls in ${elapsed} ms`);
      assert.ok(provider.calls >= 2, 'still asked');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}
