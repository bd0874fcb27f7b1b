// Only money the provider took for this order marks it paid (SPEC §7, issue 10): each attack that
// was reproduced against the sandbox, over HTTP, per provider where it applies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { providers } from '../../../dist/server/index.js';
import { mismatchOf } from '../../../dist/server/payment-match.js';
import { IPHONE, providerProxy, quietLogger, startMerchant } from './helpers.mjs';

const PROVIDERS = ['checkout-com', 'omise', 'nomupay', 'uqpay', 'worldpay'];
const currencyOf = (provider) => (provider === 'omise' ? 'SGD' : 'HKD');
/** The sandbox payment behind a session (its wallet page is the session's QR or redirect URL). */
const paymentOf = (shop, session) => shop.sandbox.payments().find((p) => (session.qrCode ?? session.redirectUrl).endsWith(`/wallet/${p.id}`));
const AMOUNT_MISMATCH = { status: 'failed', failureCode: 'amount_mismatch', failureMessage: 'The payment does not match this order.' };

/** A shop whose order() takes its amount and reference from the page's context, and whose error log is kept. */
async function shopOn(provider, extra = {}) {
  const errors = [];
  const shop = await startMerchant(
    {
      order: ({ context }) => ({ amount: { value: context?.value ?? 12345, currency: currencyOf(provider) }, reference: context?.reference ?? 'A-1001' }),
      logger: { warn() {}, error: (message) => errors.push(String(message)) },
      ...extra,
    },
    provider,
  );
  return Object.assign(shop, { errors });
}

describe("the browser's Idempotency-Key is never the provider's: a key used again binds no other order's payment", () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: after the handler lost its record, the same key for a dear order makes the dear payment, and paying the cheap one pays nothing`, async () => {
      const shop = await shopOn(provider);
      try {
        const key = crypto.randomUUID();
        const cheap = await shop.create({ key, environment: IPHONE, context: { value: 100, reference: 'CHEAP-1' } });
        assert.equal(cheap.status, 201);
        shop.restart(); // a restart on memoryStore: the record of the key is gone
        const dear = await shop.create({ key, environment: IPHONE, context: { value: 999_900, reference: 'DEAR-1' } });
        assert.equal(dear.status, 201);
        assert.deepEqual(shop.sandbox.payments().map((p) => p.amount.value), [100, 999_900]);
        assert.equal(paymentOf(shop, dear.body).amount.value, 999_900);
        assert.equal(await shop.wallet(cheap.body, 'approve'), 303);
        assert.deepEqual((await shop.status(dear.body)).body, { status: 'pending' });
      } finally {
        await shop.close();
      }
    });
  }
});

/**
 * How to make the sandbox hold another amount or reference for a payment than the one the session
 * was made for, per provider whose answers state it. Worldpay's answers state neither: its events
 * are found by a transaction reference that only this session ever sent.
 */
const TAMPER = {
  'checkout-com': (payment) => (payment.amount = { value: 100, currency: 'HKD' }),
  omise: (payment) => (payment.amount = { value: 100, currency: 'SGD' }),
  uqpay: (payment) => (payment.amount = { value: 100, currency: 'HKD' }),
  nomupay: (payment) => (payment.reference = 'cs_of_another_shop'),
};

describe('an answer about other money fails the session with amount_mismatch, and is logged', () => {
  for (const [provider, tamper] of Object.entries(TAMPER)) {
    it(`${provider}: the webhook of an approved payment that states another ${provider === 'nomupay' ? 'reference' : 'amount'}`, async () => {
      const shop = await shopOn(provider);
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        const payment = paymentOf(shop, session);
        tamper(payment);
        assert.equal(await shop.wallet(session, 'approve'), 303);
        payment.outcome = undefined; // the status query now says pending: what is served came from the webhook
        assert.deepEqual((await shop.status(session)).body, AMOUNT_MISMATCH);
        assert.match(shop.errors.join('\n'), new RegExp(`session ${session.id}: .*amount_mismatch`));
      } finally {
        await shop.close();
      }
    });

    it(`${provider}: the status query of an approved payment that states another ${provider === 'nomupay' ? 'reference' : 'amount'}`, async () => {
      const shop = await shopOn(provider);
      try {
        const { body: session } = await shop.create({ environment: IPHONE });
        const payment = paymentOf(shop, session);
        tamper(payment);
        payment.outcome = 'approve'; // paid, and the webhook lost
        assert.deepEqual((await shop.status(session)).body, AMOUNT_MISMATCH);
        // Final: a later answer that matches does not undo it.
        assert.deepEqual((await shop.status(session)).body, AMOUNT_MISMATCH);
      } finally {
        await shop.close();
      }
    });
  }

  it('checkout-com: the right amount in another currency is a mismatch too', async () => {
    const shop = await shopOn('checkout-com');
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      paymentOf(shop, session).amount = { value: 12345, currency: 'SGD' };
      paymentOf(shop, session).outcome = 'approve';
      assert.deepEqual((await shop.status(session)).body, AMOUNT_MISMATCH);
    } finally {
      await shop.close();
    }
  });
});

describe('a create answered with a payment that is not this order\'s is refused, and binds nothing', () => {
  /** A shop on Checkout.com whose every create reaches the sandbox under one key that another system used. */
  async function shopWithForeignKey(extra) {
    const shop = await shopOn('checkout-com', extra);
    const proxy = await providerProxy(shop.sandbox.url, (request) => {
      if (request.headers['cko-idempotency-key']) request.headers['cko-idempotency-key'] = 'a-key-another-system-used';
    });
    shop.restart({ provider: providers.checkoutCom({ ...shop.sandbox.adapterOptions, baseUrl: proxy.url, logger: quietLogger }) });
    return Object.assign(shop, { proxy });
  }

  it('the provider gives back a payment made for another reference: 502 amount_mismatch, no session', async () => {
    const shop = await shopWithForeignKey();
    try {
      const first = await shop.create({ environment: IPHONE, context: { value: 100, reference: 'CHEAP-1' } });
      assert.equal(first.status, 201);
      const second = await shop.create({ environment: IPHONE, context: { value: 999_900, reference: 'DEAR-1' } });
      assert.equal(second.status, 502);
      assert.equal(second.body.code, 'amount_mismatch');
      assert.equal(shop.sandbox.payments().length, 1);
      assert.match(shop.errors.join('\n'), /states reference "CHEAP-1" instead of "DEAR-1"/);
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });

  it('the provider gives back a payment already bound to another session: 409 payment_conflict', async () => {
    const shop = await shopWithForeignKey();
    try {
      const first = await shop.create({ environment: IPHONE, context: { reference: 'SAME-REF' } });
      assert.equal(first.status, 201);
      assert.equal(await shop.wallet(first.body, 'approve'), 303);
      assert.deepEqual((await shop.status(first.body)).body, { status: 'succeeded' });
      // The order's next payment (its first one is final) comes back as that same payment.
      const second = await shop.create({ environment: IPHONE, context: { reference: 'SAME-REF' } });
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'payment_conflict');
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });
});

describe('Omise: a webhook costs an API call only for a charge of ours, at most once per interval', () => {
  /**
   * A shop on the Omise sandbox through a proxy that counts the charge reads; without the webhook
   * secret unless `signed` (checking Omise-Signature is optional: the store and the fetch are the defence).
   */
  async function omiseShop(providerCheckIntervalMs, { signed = false } = {}) {
    const shop = await shopOn('omise', { providerCheckIntervalMs });
    const proxy = await providerProxy(shop.sandbox.url);
    const { webhookSecret, ...unsigned } = shop.sandbox.adapterOptions;
    shop.restart({ provider: providers.omise({ ...(signed ? shop.sandbox.adapterOptions : unsigned), baseUrl: proxy.url, logger: quietLogger }) });
    const reads = () => proxy.requests.filter((r) => r.method === 'GET');
    const notice = (chargeId) =>
      fetch(`${shop.url}/api/alipayhk/webhooks/omise`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ object: 'event', id: `evnt_test_${crypto.randomUUID().slice(0, 8)}`, key: 'charge.complete', data: { id: chargeId, status: 'successful' } }),
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    return Object.assign(shop, { proxy, reads, notice });
  }

  it('forged events for charges that are not ours are acknowledged without asking Omise', async () => {
    const shop = await omiseShop(60_000);
    try {
      for (let i = 0; i < 20; i++) assert.deepEqual(await shop.notice(`chrg_test_forged${i}`), { status: 200, body: { received: true, applied: false } });
      assert.equal(shop.reads().length, 0);
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });

  it('with the webhook secret, a forged event naming a charge of ours is refused (401) before any read', async () => {
    const shop = await omiseShop(0, { signed: true });
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const forged = await shop.notice(paymentOf(shop, session).id);
      assert.deepEqual([forged.status, forged.body.code], [401, 'invalid_signature']);
      assert.equal(shop.reads().length, 0);
      assert.equal(await shop.wallet(session, 'approve'), 303); // Omise's own, signed event
      assert.deepEqual((await shop.status(session)).body, { status: 'succeeded' });
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });

  it('twenty events naming a charge of ours make one read, and its forged "successful" changes nothing', async () => {
    const shop = await omiseShop(60_000);
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const chargeId = paymentOf(shop, session).id;
      for (let i = 0; i < 20; i++) assert.equal((await shop.notice(chargeId)).status, 200);
      assert.deepEqual(shop.reads().map((r) => r.url), [`/charges/${chargeId}`]);
      assert.deepEqual((await shop.status(session)).body, { status: 'pending' });
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });

  it('a real event inside the interval is not lost: one read at the end of the interval applies it', { timeout: 30_000 }, async () => {
    const shop = await omiseShop(300);
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const payment = paymentOf(shop, session);
      await shop.notice(payment.id); // a read now: pending
      assert.equal(shop.reads().length, 1);
      assert.equal(await shop.wallet(session, 'approve'), 303); // Omise's own event, inside the interval
      while (!shop.reads().some((r) => r.answer && JSON.parse(r.answer.text).status === 'successful')) await new Promise((resolve) => setTimeout(resolve, 20));
      payment.outcome = undefined; // Omise says pending from now on: only the deferred read knew
      let status;
      do status = (await shop.status(session)).body.status;
      while (status === 'pending');
      assert.equal(status, 'succeeded');
    } finally {
      await shop.close();
      await shop.proxy.close();
    }
  });
});

describe('sessions stored before the provider reference was kept (a store shared during an upgrade)', () => {
  it('their amounts are compared, their references are not: a paid one is not failed for lacking one', () => {
    const old = { amount: { value: 12345, currency: 'HKD' } };
    assert.equal(mismatchOf(old, { amount: { value: 12345, currency: 'HKD' }, reference: 'cs_anything' }), undefined);
    assert.match(mismatchOf(old, { amount: { value: 100, currency: 'HKD' }, reference: 'cs_anything' }), /amount 100 instead of 12345/);
  });
});
