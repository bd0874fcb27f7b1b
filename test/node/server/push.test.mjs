// Push updates (issues 6 and 14): the status route answers as Server-Sent Events when asked,
// pushing the change the moment a webhook is applied, here or in another process on the same
// store (its pub/sub); idle streams cost the store nothing; streams are capped and end after
// their session's expiry; the provider is asked once per interval across processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCheckoutHandler, memoryStore } from '../../../dist/server/index.js';
import { countingStore, listen, quietLogger, startMerchant } from './helpers.mjs';

/** Opens the status stream and collects its events and comments as they come. */
async function openStream(url, signal) {
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

async function until(predicate, message, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('GET /sessions/:id/status as text/event-stream', () => {
  let merchant;
  before(async () => {
    // Neither the provider nor the store is read again on its own: only the webhook can push.
    merchant = await startMerchant({ providerCheckIntervalMs: 60_000 });
  });
  after(() => merchant.close());

  it('offers push in the session, sends the status at once, pushes the webhook\'s result and ends', async () => {
    const { body: session } = await merchant.create();
    assert.equal(session.push, 'sse');
    const stream = await openStream(`${merchant.url}${session.statusUrl}`);
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(stream.response.headers.get('cache-control'), 'no-store');
    await until(() => stream.events.length === 1, 'the first event');
    assert.deepEqual(stream.events[0], { ...stream.events[0], event: 'status', data: { status: 'pending' } });

    const approvedAt = Date.now();
    assert.equal(await merchant.wallet(session, 'approve'), 303);
    await stream.done;
    assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }, { status: 'succeeded' }]);
    assert.ok(stream.events[1].at - approvedAt < 1000, 'pushed with the webhook, not at the next check');
  });

  it('a final session gets its one status and the stream ends', async () => {
    const { body: session } = await merchant.create();
    await merchant.wallet(session, 'decline');
    const stream = await openStream(`${merchant.url}${session.statusUrl}`);
    await stream.done;
    assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'failed', failureCode: '20005', failureMessage: 'Declined - Do Not Honour' }]);
  });

  it('an unknown session is a 404 JSON answer, not a stream', async () => {
    const response = await fetch(`${merchant.url}/api/alipayhk/sessions/cs_00000000000000000000000000000000/status`, { headers: { Accept: 'text/event-stream' } });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { code: 'session_not_found', message: 'No such session' });
  });

  it('a shopper who leaves closes the stream; a webhook after that still applies', async () => {
    const { body: session } = await merchant.create();
    const leave = new AbortController();
    const stream = await openStream(`${merchant.url}${session.statusUrl}`, leave.signal);
    await until(() => stream.events.length === 1, 'the first event');
    leave.abort();
    await stream.done;
    assert.equal(await merchant.wallet(session, 'approve'), 303);
    assert.deepEqual((await merchant.status(session)).body, { status: 'succeeded' });
  });
});

describe('status streams across processes on one store', () => {
  it("a webhook applied by another handler reaches the stream through the store's pub/sub; idle, the streams read nothing", async () => {
    const store = countingStore(memoryStore());
    const first = await startMerchant({ store, providerCheckIntervalMs: 60_000 });
    // The sandbox sends its webhooks to the second process only.
    const second = await startMerchant({ store, providerCheckIntervalMs: 60_000 });
    try {
      const { body: session } = await second.create();
      const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(`${first.url}${session.statusUrl}`)));
      await until(() => streams.every((stream) => stream.events.length === 1), 'the first event on every stream');
      const before = { ...store.counts };
      // Nothing happens for a while: 20 open streams read and write nothing.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(store.counts, before);
      const approvedAt = Date.now();
      assert.equal(await second.wallet(session, 'approve'), 303);
      await Promise.all(streams.map((stream) => stream.done));
      for (const stream of streams) assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }, { status: 'succeeded' }]);
      assert.ok(Math.max(...streams.map((stream) => stream.events[1].at)) - approvedAt < 1000, 'pushed, not found at a later read');
      assert.deepEqual(store.published.map(({ message }) => JSON.parse(message)), [{ id: session.id, status: { status: 'succeeded' } }], 'published once, by the process that applied it');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const stub = {
      name: 'stub',
      mapStatus: () => 'pending',
      createPayment: async () => ({ paymentId: 'p1', status: 'pending', providerStatus: 'open', qrCode: 'https://qr.example/1' }),
      getPayment: async () => ({ paymentId: 'p1', status: 'pending', providerStatus: 'open' }),
      parseWebhook: async () => undefined,
    };
    const handler = createCheckoutHandler({
      basePath: '/api', provider: stub, returnUrl: 'https://shop.example/', logger: quietLogger, streamHeartbeatMs: 30,
      order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: 'r' }),
    });
    const server = await listen((req, res) => handler(req, res));
    const leave = new AbortController();
    try {
      const created = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Idempotency-Key': 'k-heartbeat' }, body: JSON.stringify({ environment: { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false } }) });
      const session = await created.json();
      const stream = await openStream(`${server.url}${session.statusUrl}`, leave.signal);
      await until(() => stream.comments >= 2, 'two heartbeats');
      assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }]);
      leave.abort();
      await stream.done;
    } finally {
      await server.close();
    }
  });
});

/** A provider that counts its status calls and answers pending (or `expiresAt` from `expiresInMs`). */
function stubProvider({ expiresInMs } = {}) {
  const provider = {
    name: 'stub',
    calls: 0,
    mapStatus: () => 'pending',
    createPayment: async () => ({
      paymentId: `p${Math.random()}`, status: 'pending', providerStatus: 'open', qrCode: 'https://qr.example/1',
      ...(expiresInMs ? { expiresAt: new Date(Date.now() + expiresInMs).toISOString() } : {}),
    }),
    getPayment: async (paymentId) => {
      provider.calls++;
      return { paymentId, status: 'pending', providerStatus: 'open' };
    },
    parseWebhook: async () => undefined,
  };
  return provider;
}

const DESKTOP = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };

let orders = 0;

async function stubMerchant(provider, options = {}) {
  const handler = createCheckoutHandler({
    basePath: '/api', provider, returnUrl: 'https://shop.example/', logger: quietLogger,
    // A new order each time: one order has one payable payment.
    order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: `r${++orders}` }),
    ...options,
  });
  const server = await listen((req, res) => handler(req, res));
  return {
    url: server.url,
    async create(key = `k-${Math.random()}`) {
      const created = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body: JSON.stringify({ environment: DESKTOP }) });
      return created.json();
    },
    async close() {
      await handler.close();
      await server.close();
    },
  };
}

describe('bounded status streams (issue 14)', () => {
  it('past the cap per session, and past the cap per process, a stream is refused with 429 and Retry-After', async () => {
    const merchant = await stubMerchant(stubProvider(), { maxStreamsPerSession: 2, maxStreams: 3, providerCheckIntervalMs: 5000 });
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

      // A stream that ends makes room.
      leave.abort();
      await Promise.all(open.map((stream) => stream.done));
      const again = new AbortController();
      const after = await openStream(`${merchant.url}${other.statusUrl}`, again.signal);
      await until(() => after.events.length === 1, 'room again');
      again.abort();
      await after.done;
    } finally {
      await merchant.close();
    }
  });

  it("a stream ends a grace period after its session's expiry (the widget then polls)", async () => {
    const merchant = await stubMerchant(stubProvider({ expiresInMs: 200 }), { streamGraceMs: 100, streamHeartbeatMs: 20 });
    try {
      const session = await merchant.create();
      const openedAt = Date.now();
      const stream = await openStream(`${merchant.url}${session.statusUrl}`);
      await stream.done;
      assert.ok(Date.now() - openedAt >= 250, 'not before the expiry and its grace');
      assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }]);
    } finally {
      await merchant.close();
    }
  });
});

describe('the provider asked once per interval across processes (issue 14)', () => {
  it('two processes polling one session make the provider calls of one', async () => {
    const provider = stubProvider();
    const store = memoryStore();
    const interval = 200;
    const a = await stubMerchant(provider, { store, providerCheckIntervalMs: interval });
    const b = await stubMerchant(provider, { store, providerCheckIntervalMs: interval });
    try {
      const session = await a.create();
      const startedAt = Date.now();
      // Both processes are polled as fast as 50 widgets would: every 10 ms each.
      while (Date.now() - startedAt < 1000) {
        await Promise.all([fetch(`${a.url}${session.statusUrl}`), fetch(`${b.url}${session.statusUrl}`)]);
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
});
