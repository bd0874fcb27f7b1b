// handler.fetch(request) → Response (SPEC §7): the same routes for Fetch API runtimes, with no
// node:http server in front: create, status, the status stream, webhooks, cancel, errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCheckoutHandler, memoryStore, providers, startSandbox } from '../../../dist/server/index.js';
import { hmacSha256Hex, IPHONE, quietLogger } from './helpers.mjs';

describe('handler.fetch: the Fetch API door', () => {
  let sandbox;
  let handler;
  const changes = [];
  const orders = [];
  before(async () => {
    // The sandbox's webhooks go to the Fetch door through a tiny bridge of its own.
    sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: 'http://127.0.0.1:9/unused', logger: quietLogger });
    handler = createCheckoutHandler({
      basePath: '/api/alipayhk',
      provider: providers.checkoutCom({ ...sandbox.adapterOptions, logger: quietLogger }),
      store: memoryStore(),
      returnUrl: 'https://shop.example/checkout',
      logger: quietLogger,
      providerCheckIntervalMs: 0,
      order: (request) => {
        orders.push(request);
        return { amount: { value: 12345, currency: 'HKD' }, reference: `A-${orders.length}` };
      },
      onStatusChange: (change) => void changes.push(change),
    });
  });
  after(async () => {
    await handler.close();
    await sandbox.close();
  });

  const create = (body = { environment: IPHONE, context: { orderId: 'A-1' } }, key = crypto.randomUUID()) =>
    handler.fetch(new Request('https://shop.example/api/alipayhk/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) }));

  it('creates a session (201), gives it again for the same key (200), and order() sees the Fetch request', async () => {
    const key = crypto.randomUUID();
    const first = await create(undefined, key);
    assert.equal(first.status, 201);
    assert.match(first.headers.get('content-type'), /application\/json/);
    const session = await first.json();
    assert.match(session.id, /^cs_[0-9a-f]{32}$/);
    assert.equal(session.cancelUrl, `/api/alipayhk/sessions/${session.id}/cancel`);
    const again = await create(undefined, key);
    assert.deepEqual([again.status, (await again.json()).id], [200, session.id]);
    assert.ok(orders.at(-1).fetchRequest instanceof Request);
    assert.deepEqual(orders.at(-1).context, { orderId: 'A-1' });
  });

  it('answers the status, as JSON and as a stream that ends after the outcome; the webhook route applies a signed event', async () => {
    const session = await (await create()).json();
    const status = await handler.fetch(new Request(`https://shop.example${session.statusUrl}`));
    assert.deepEqual(await status.json(), { status: 'pending' });
    const stream = await handler.fetch(new Request(`https://shop.example${session.statusUrl}`, { headers: { Accept: 'text/event-stream' } }));
    assert.match(stream.headers.get('content-type'), /text\/event-stream/);
    const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
    assert.match((await reader.read()).value, /event: status\ndata: \{"status":"pending"\}/);
    const payment = sandbox.payments().find((p) => session.redirectUrl.endsWith(p.id));
    const body = JSON.stringify({ id: `evt_${crypto.randomUUID()}`, type: 'payment_captured', data: { id: payment.id, amount: 12345, currency: 'HKD' } });
    const hook = await handler.fetch(new Request('https://shop.example/api/alipayhk/webhooks/checkout-com', { method: 'POST', headers: { 'Cko-Signature': hmacSha256Hex(sandbox.credentials.webhookSecret, body) }, body }));
    assert.deepEqual(await hook.json(), { received: true, applied: true });
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
    assert.match(text, /data: \{"status":"succeeded"\}/);
    assert.ok(changes.some((c) => c.eventId === `${session.id}.succeeded`));
  });

  it('reads a request body only as far as the route needs it: a refused upload is not downloaded', async () => {
    for (const [path, status] of [['/api/alipayhk/sessions', 413], ['/api/alipayhk/sessions/cs_00000000000000000000000000000000/status', 404]]) {
      let pulled = 0;
      const body = new ReadableStream({
        pull(controller) {
          pulled += 1;
          if (pulled > 300) return controller.close();
          controller.enqueue(new Uint8Array(1024 * 1024)); // 300 MB in all, made only when asked
        },
      });
      const answer = await handler.fetch(new Request(`https://shop.example${path}`, { method: 'POST', headers: { 'Idempotency-Key': crypto.randomUUID() }, body, duplex: 'half' }));
      assert.equal(answer.status, status, path);
      await answer.text();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(pulled < 5, `${path}: ${pulled} MB pulled`);
    }
  });

  it('cancels through the cancel route; refuses bad input with JSON errors; answers 404 outside its base path', async () => {
    const session = await (await create()).json();
    const cancelled = await handler.fetch(new Request(`https://shop.example${session.cancelUrl}`, { method: 'POST' }));
    assert.deepEqual([cancelled.status, await cancelled.json()], [200, { status: 'cancelled' }]);
    const noKey = await handler.fetch(new Request('https://shop.example/api/alipayhk/sessions', { method: 'POST', body: '{}' }));
    assert.deepEqual([noKey.status, (await noKey.json()).code], [400, 'invalid_idempotency_key']);
    const forged = await handler.fetch(new Request('https://shop.example/api/alipayhk/webhooks/checkout-com', { method: 'POST', headers: { 'Cko-Signature': 'ab' }, body: '{}' }));
    assert.deepEqual([forged.status, (await forged.json()).code], [401, 'invalid_signature']);
    const outside = await handler.fetch(new Request('https://shop.example/products'));
    assert.deepEqual([outside.status, (await outside.json()).code], [404, 'not_found']);
    await assert.rejects(handler.fetch('https://shop.example/api/alipayhk/sessions'), TypeError);
  });
});
