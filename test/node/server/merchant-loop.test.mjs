// The merchant's server hears every outcome (SPEC §7, issue 12): onStatusChange once per change,
// whoever found it, retried until it returns; reconciliation finds what a lost webhook did not
// say; getSession. Over HTTP, with the sandboxes of all five providers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCheckoutHandler, memoryStore, providers } from '../../../dist/server/index.js';
import { hmacSha256Hex, IPHONE, listen, quietLogger, startMerchant } from './helpers.mjs';

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
        // What the merchant's code gets is its own (the memory store keeps frozen values): it may
        // change it, and the session stays as it was.
        info.amount.value = 1;
        info.status = 'changed';
        assert.deepEqual((await shop.handler.getSession(session.id)).amount, session.amount);
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

/** Providers with a documented way to make a pending payment unpayable (the others: their own expiry). */
const CAN_CANCEL = new Set(['omise', 'uqpay']);
const paymentOf = (shop, session) => shop.sandbox.payments().find((p) => (session.qrCode ?? session.redirectUrl).endsWith(`/wallet/${p.id}`));

describe('refunds: partial, then the rest, never more than was paid', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: refundedAmount grows with each accepted refund, each reported`, async () => {
      const shop = await shopWithHook(provider);
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        await assert.rejects(shop.handler.refund(session.id), (error) => error.code === 'not_refundable', 'not paid yet');
        await shop.wallet(session, 'approve');
        await until(() => shop.calls.length === 1);
        const partial = await shop.handler.refund(session.id, { amount: 2345, reason: 'one item damaged' });
        assert.equal(partial.refundedAmount, 2345);
        const rest = await shop.handler.refund(session.id);
        assert.equal(rest.refundedAmount, 12345);
        await assert.rejects(shop.handler.refund(session.id, { amount: 1 }), (error) => error.code === 'refund_exceeds_payment');
        await assert.rejects(shop.handler.refund(session.id, { amount: 1.5 }), TypeError);
        assert.deepEqual(paymentOf(shop, session).refunds, [2345, 10000], 'what the provider holds');
        await until(() => shop.calls.length === 3);
        assert.deepEqual(shop.calls.map((c) => [c.eventId, c.session.refundedAmount, c.previous]), [
          [`${session.id}.succeeded`, 0, 'pending'],
          [`${session.id}.refund.1`, 2345, 'succeeded'],
          [`${session.id}.refund.2`, 12345, 'succeeded'],
        ]);
        assert.equal((await shop.handler.getSession(session.id)).refundedAmount, 12345);
      } finally {
        await shop.close();
      }
    });
  }
});

describe('cancel: the cancel route (cancelUrl) and handler.cancel', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: ${CAN_CANCEL.has(provider) ? 'the payment can no longer be paid at the provider' : 'cancelled here; paid all the same, the money counts'}`, async () => {
      const shop = await shopWithHook(provider);
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        assert.equal(session.cancelUrl, `/api/alipayhk/sessions/${session.id}/cancel`);
        const answer = await fetch(`${shop.url}${session.cancelUrl}`, { method: 'POST' });
        assert.deepEqual([answer.status, await answer.json()], [200, { status: 'cancelled' }]);
        await until(() => shop.calls.length === 1);
        assert.deepEqual([shop.calls[0].eventId, shop.calls[0].previous], [`${session.id}.cancelled`, 'pending']);
        if (CAN_CANCEL.has(provider)) {
          assert.equal(await shop.wallet(session, 'approve'), 409, 'the wallet refuses a cancelled payment');
          assert.equal((await shop.status(session)).body.status, 'cancelled');
        } else {
          // The provider documents no cancel: its payment stays payable until it expires. A
          // shopper who pays it all the same has paid, and the merchant hears so.
          assert.equal(await shop.wallet(session, 'approve'), 303);
          await until(() => shop.calls.length === 2);
          assert.deepEqual([shop.calls[1].eventId, shop.calls[1].previous, shop.calls[1].session.status], [`${session.id}.succeeded`, 'cancelled', 'succeeded']);
        }
      } finally {
        await shop.close();
      }
    });
  }

  it('an unknown or malformed session id is a 404; a final session stays as it is', async () => {
    const shop = await shopWithHook();
    try {
      for (const id of ['cs_00000000000000000000000000000000', 'constructor']) {
        assert.equal((await fetch(`${shop.url}/api/alipayhk/sessions/${id}/cancel`, { method: 'POST' })).status, 404);
      }
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.wallet(session, 'approve');
      assert.equal((await shop.status(session)).body.status, 'succeeded');
      assert.equal((await shop.handler.cancel(session.id)).status, 'succeeded');
    } finally {
      await shop.close();
    }
  });
});

describe('one payable payment per order', () => {
  const sameOrder = { order: () => ({ amount: { value: 12345, currency: 'HKD' }, reference: 'A-1001' }) };

  it('the same device again (another key): the pending session, not a second payment', async () => {
    const shop = await startMerchant(sameOrder);
    try {
      const first = await shop.create({ environment: IPHONE });
      const again = await shop.create({ environment: IPHONE });
      assert.deepEqual([first.status, again.status, again.body.id], [201, 200, first.body.id]);
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
    }
  });

  it('another device, at a provider that cancels: the first payment is cancelled, then the new one made', async () => {
    const shop = await startMerchant({ order: () => ({ amount: { value: 12345, currency: 'SGD' }, reference: 'A-1001' }) }, 'omise');
    try {
      const phone = await shop.create({ environment: IPHONE });
      const desktop = await shop.create({ environment: { ...IPHONE, deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr' } });
      assert.equal(desktop.status, 201);
      assert.notEqual(desktop.body.id, phone.body.id);
      assert.equal((await shop.status(phone.body)).body.status, 'cancelled');
      assert.equal(await shop.wallet(phone.body, 'approve'), 409, 'the first code can no longer be paid');
      assert.equal(await shop.wallet(desktop.body, 'approve'), 303);
    } finally {
      await shop.close();
    }
  });

  it('another device, at a provider that cannot cancel: the first session stays the one payment', async () => {
    const shop = await startMerchant(sameOrder);
    try {
      const phone = await shop.create({ environment: IPHONE });
      const desktop = await shop.create({ environment: { ...IPHONE, deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr' } });
      assert.equal(desktop.body.id, phone.body.id);
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
    }
  });

  it('ten creates for one order at once, with ten keys: one payment', async () => {
    const shop = await startMerchant(sameOrder);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => shop.create({ environment: IPHONE })));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
    }
  });

  it('after the order was paid, a new create makes a new payment (the next order with that reference)', async () => {
    const shop = await startMerchant(sameOrder);
    try {
      const first = await shop.create({ environment: IPHONE });
      await shop.wallet(first.body, 'approve');
      assert.equal((await shop.status(first.body)).body.status, 'succeeded');
      const second = await shop.create({ environment: IPHONE });
      assert.equal(second.status, 201);
      assert.notEqual(second.body.id, first.body.id);
    } finally {
      await shop.close();
    }
  });
});

describe('the review\'s cases: lost answers, late payments, late reports', () => {
  it('a refund whose answer is lost (5xx) keeps its amount reserved: no second refund can take it', async () => {
    const shop = await shopWithHook('checkout-com', { logger: quietLogger });
    let failRefunds = true;
    const proxy = await listen(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      if (failRefunds && req.url.endsWith('/refunds')) return res.writeHead(503).end();
      const answer = await fetch(shop.sandbox.url + req.url, { method: req.method, headers: { ...req.headers, host: undefined }, body: body || undefined });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text());
    });
    try {
      shop.restart({ provider: providers.checkoutCom({ ...shop.sandbox.adapterOptions, baseUrl: proxy.url, logger: quietLogger }) });
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.wallet(session, 'approve');
      assert.equal((await shop.status(session)).body.status, 'succeeded');
      await assert.rejects(shop.handler.refund(session.id), /HTTP 503/);
      failRefunds = false;
      await assert.rejects(shop.handler.refund(session.id, { amount: 1 }), (error) => error.code === 'refund_in_progress');
      assert.equal((await shop.handler.getSession(session.id)).refundedAmount, 0);
    } finally {
      await proxy.close();
      await shop.close();
    }
  });

  it('a refund the provider refuses frees its amount again', async () => {
    const shop = await shopWithHook('checkout-com');
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.wallet(session, 'approve');
      assert.equal((await shop.status(session)).body.status, 'succeeded');
      const payment = paymentOf(shop, session);
      payment.outcome = undefined; // the provider will refuse (403: not captured)
      await assert.rejects(shop.handler.refund(session.id), /HTTP 403/);
      payment.outcome = 'approve';
      assert.equal((await shop.handler.refund(session.id)).refundedAmount, 12345);
    } finally {
      await shop.close();
    }
  });

  it('cancelled here, paid at the provider with the webhook lost: reconciliation finds it and the merchant hears it', async () => {
    const shop = await shopWithHook('checkout-com', { reconcileIntervalMs: 50 }, { webhookUrl: 'http://127.0.0.1:9/nowhere' });
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      assert.equal((await shop.handler.cancel(session.id)).status, 'cancelled');
      assert.equal(await shop.wallet(session, 'approve'), 303);
      await until(() => shop.calls.some((c) => c.eventId === `${session.id}.succeeded`));
      assert.equal((await shop.handler.getSession(session.id)).status, 'succeeded');
    } finally {
      await shop.close();
    }
  });

  it('while an order\'s payment cancelled here can still be paid at the provider, no second one is made', async () => {
    const shop = await startMerchant({ order: () => ({ amount: { value: 12345, currency: 'HKD' }, reference: 'A-1001' }) });
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.handler.cancel(session.id);
      const again = await shop.create({ environment: IPHONE });
      assert.deepEqual([again.status, again.body.code], [409, 'previous_payment_open']);
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
    }
  });
});

describe('a report outlives the process that wrote it', () => {
  it("the change is stored with its report: when the process that found it stops before delivering, another process's reconciler delivers it", async () => {
    const store = memoryStore();
    const calls = [];
    // Process A: its hook fails, and A stops (close(): no more timers) before it can retry.
    const shop = await startMerchant({ store, logger: quietLogger, reconcileIntervalMs: 0, onStatusChange: () => { throw new Error('A is going down'); } });
    // Process B: the same store, its reconciler running, a hook that works.
    const b = createCheckoutHandler({
      basePath: '/api/alipayhk',
      provider: providers.checkoutCom({ ...shop.sandbox.adapterOptions, logger: quietLogger }),
      store,
      order: () => ({ amount: { value: 12345, currency: 'HKD' }, reference: 'B' }),
      returnUrl: 'https://shop.example/checkout/return',
      logger: quietLogger,
      reconcileIntervalMs: 50,
      onStatusChange: (change) => void calls.push(change),
    });
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      await shop.wallet(session, 'approve'); // the webhook reaches A, whose hook throws
      await shop.handler.close();
      await until(() => calls.length === 1);
      assert.deepEqual([calls[0].eventId, calls[0].previous, calls[0].session.status], [`${session.id}.succeeded`, 'pending', 'succeeded']);
    } finally {
      await b.close();
      await shop.close();
    }
  });
});
