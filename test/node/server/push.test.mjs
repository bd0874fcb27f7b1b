// Push updates (issues 6 and 14): the status route answers as Server-Sent Events when asked,
// pushing the change the moment a webhook is applied, here or in another process on the same
// store (its pub/sub); idle streams cost the store nothing; streams are capped and end after
// their session's expiry; the provider is asked once per interval across processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { memoryStore } from '../../../dist/server/index.js';
import { startMerchant } from './helpers.mjs';
import { openStream, pushContract, stubMerchant, stubProvider, until } from './push-contract.mjs';

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

describe('status streams across processes on one memory store (the push contract)', () => {
  pushContract(() => {
    const store = memoryStore();
    return [store, store];
  });
});

describe('status streams: heartbeats', () => {
  it('sends a heartbeat comment while nothing happens', async () => {
    const merchant = await stubMerchant(stubProvider(), { streamHeartbeatMs: 30 });
    const leave = new AbortController();
    try {
      const session = await merchant.create();
      const stream = await openStream(`${merchant.url}${session.statusUrl}`, leave.signal);
      await until(() => stream.comments >= 2, 'two heartbeats');
      assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }]);
      leave.abort();
      await stream.done;
    } finally {
      await merchant.close();
    }
  });
});

describe('status streams end (issue 14)', () => {
  it("a stream ends a grace period after its session's expiry (the widget then polls)", async () => {
    const merchant = await stubMerchant(stubProvider({ expiresInMs: 200 }), { streamGraceMs: 100, streamHeartbeatMs: 20 });
    try {
      const session = await merchant.create();
      const stream = await openStream(`${merchant.url}${session.statusUrl}`);
      await stream.done;
      // Measured from the session's own expiry, not from when this side opened the stream.
      assert.ok(Date.now() >= Date.parse(session.expiresAt) + 100, 'not before the expiry and its grace');
      assert.deepEqual(stream.events.map((e) => e.data), [{ status: 'pending' }]);
    } finally {
      await merchant.close();
    }
  });
});
