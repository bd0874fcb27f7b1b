// The merchant's server hears every outcome (SPEC §7, issue 12): onStatusChange once per change,
// whoever found it, retried until it returns; reconciliation finds what a lost webhook did not
// say; getSession. Over HTTP, with the sandboxes of all five providers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCheckoutHandler, memoryStore, providers } from '../../../dist/server/index.js';
import { hmacSha256Hex } from '../../../dist/server/providers/shared.js';
import { IPHONE, listen, quietLogger, startMerchant } from './helpers.mjs';

const PROVIDERS = ['checkout-com', 'omise', 'nomupay', 'uqpay', 'worldpay'];
const until = async (condition, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A shop whose onStatusChange records every call (and may be told to throw). */
async function shopWithHook(provider = 'checkout-com', extra = {}, sandboxOptions = {}) {
  const calls = [];
  let failuresLeft = 0;
  const shop = await startMerchant(
    {
      onStatusChange(change) {
        calls.push(change);
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('the order database is down');
        }
      },
      ...extra,
    },
    provider,
    sandboxOptions,
  );
  return Object.assign(shop, { calls, failNext: (n) => (failuresLeft = n) });
}

describe('onStatusChange: once for each change', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: a payment approved in the wallet reaches it once, with the session and its previous status`, async () => {
      const shop = await shopWithHook(provider);
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        assert.equal(await shop.wallet(session, 'approve'), 303);
        await until(() => shop.calls.length === 1);
        for (let i = 0; i < 3; i++) assert.equal((await shop.status(session)).body.status, 'succeeded');
        await new Promise((resolve) => setTimeout(resolve, 100)); // a second call would have come by now
        assert.equal(shop.calls.length, 1);
        const [{ eventId, session: info, previous }] = shop.calls;
        assert.equal(eventId, `${session.id}.succeeded`);
        assert.equal(previous, 'pending');
        assert.deepEqual([info.id, info.status, info.amount, info.refundedAmount, info.provider], [session.id, 'succeeded', session.amount, 0, provider]);
        assert.deepEqual(await shop.handler.getSession(session.id), info);
      } finally {
        await shop.close();
      }
    });
  }

  it('the same webhook five times at once, and another saying the same: one call', async () => {
    const shop = await shopWithHook();
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const paymentId = shop.sandbox.payments()[0].id;
      const send = (id, type) => {
        const body = JSON.stringify({ id, type, data: { id: paymentId, amount: 12345, currency: 'HKD', reference: 'ORDER-1' } });
        return fetch(`${shop.url}/api/alipayhk/webhooks/checkout-com`, { method: 'POST', headers: { 'Cko-Signature': hmacSha256Hex(shop.sandbox.credentials.webhookSecret, body) }, body });
      };
      const answers = await Promise.all([...Array(5)].map(() => send('evt_same', 'payment_captured')).concat(send('evt_other', 'payment_paid')));
      assert.ok(answers.every((answer) => answer.status === 200));
      await until(() => shop.calls.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(shop.calls.map((c) => c.eventId), [`${session.id}.succeeded`]);
    } finally {
      await shop.close();
    }
  });

  it('two handlers on one store, each taking the webhook: one call between them', async () => {
    const store = memoryStore();
    const calls = [];
    const shop = await startMerchant({ store, onStatusChange: (change) => void calls.push(['A', change.eventId]) });
    const other = createCheckoutHandler({
      basePath: '/api/alipayhk',
      provider: providers.checkoutCom({ ...shop.sandbox.adapterOptions, logger: quietLogger }),
      store,
      order: () => ({ amount: { value: 12345, currency: 'HKD' }, reference: 'ORDER-1' }),
      returnUrl: 'https://shop.example/checkout/return',
      logger: quietLogger,
      onStatusChange: (change) => void calls.push(['B', change.eventId]),
    });
    const b = await listen((req, res) => other(req, res));
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const paymentId = shop.sandbox.payments()[0].id;
      const body = JSON.stringify({ id: 'evt_1', type: 'payment_captured', data: { id: paymentId } });
      const headers = { 'Cko-Signature': hmacSha256Hex(shop.sandbox.credentials.webhookSecret, body) };
      await Promise.all([shop.url, b.url, shop.url, b.url].map((url) => fetch(`${url}/api/alipayhk/webhooks/checkout-com`, { method: 'POST', headers, body })));
      await until(() => calls.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(calls.map(([, eventId]) => eventId), [`${session.id}.succeeded`]);
    } finally {
      await other.close();
      await b.close();
      await shop.close();
    }
  });

  it('a hook that throws is retried with the same eventId until it returns', { timeout: 30_000 }, async () => {
    const shop = await shopWithHook('checkout-com', { logger: quietLogger });
    try {
      shop.failNext(2);
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.wallet(session, 'approve');
      await until(() => shop.calls.length === 3); // failed, failed (1 s, then 2 s later), returned
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(shop.calls.length, 3);
      assert.deepEqual(new Set(shop.calls.map((c) => c.eventId)), new Set([`${session.id}.succeeded`]));
    } finally {
      await shop.close();
    }
  });
});

describe('reconciliation: a lost webhook, nobody polling', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: the provider is asked about the overdue session, and the merchant hears the outcome`, async () => {
      // The sandbox's webhooks go nowhere: only asking the provider can find the outcome.
      const shop = await shopWithHook(provider, { reconcileIntervalMs: 50 }, { webhookUrl: 'http://127.0.0.1:9/nowhere' });
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        assert.equal(await shop.wallet(session, 'approve'), 303);
        await until(() => shop.calls.length === 1);
        assert.deepEqual([shop.calls[0].eventId, shop.calls[0].session.status], [`${session.id}.succeeded`, 'succeeded']);
        assert.equal((await shop.handler.getSession(session.id)).status, 'succeeded');
      } finally {
        await shop.close();
      }
    });
  }

  it('reconcile() by hand: what it checked and changed; nothing due, nothing asked', async () => {
    const shop = await shopWithHook('checkout-com', { reconcileIntervalMs: 0 }, { webhookUrl: 'http://127.0.0.1:9/nowhere' });
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      assert.deepEqual(await shop.handler.reconcile(), { checked: 0, changed: 0 }, 'not overdue yet');
      assert.equal(await shop.handler.getSession('cs_00000000000000000000000000000000'), undefined);
      assert.equal(await shop.handler.getSession('../etc'), undefined);
      assert.equal((await shop.handler.getSession(session.id)).status, 'pending');
    } finally {
      await shop.close();
    }
  });
});
