// Contract tests of the Omise, NomuPay, UQPAY and Worldpay adapters: the seeds' own examples as
// fixtures (test/fixtures/<provider>/), each document's statuses and edge cases, and webhook
// verification, forged ones included. Checkout.com has its own file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactSign } from 'jose';
import { ProviderRequestError, providers, WebhookVerificationError } from '../../../dist/server/index.js';
import { NOMUPAY_STATUSES, OMISE_STATUSES, UQPAY_STATUSES, WORLDPAY_STATUSES, uqpayDeviceOs } from '../../../dist/server/providers/index.js';
import { nomupayRequestErrors } from '../../../dist/server/sandbox/nomupay.js';
import { omiseChargeErrors } from '../../../dist/server/sandbox/omise.js';
import { uqpayRequestErrors } from '../../../dist/server/sandbox/uqpay.js';
import { worldpayRequestErrors } from '../../../dist/server/sandbox/worldpay.js';
import { hmacSha256Hex } from '../../../dist/server/providers/shared.js';
import { ANDROID_APP, DESKTOP, fakeApi, IPHONE, loadFixture, quietLogger } from './helpers.mjs';

const input = (environment, amount = { value: 12345, currency: 'HKD' }) => ({
  sessionId: 'cs_0123456789abcdef0123456789abcdef',
  amount,
  reference: 'A-1001',
  description: 'Order A-1001',
  environment,
  returnUrl: 'https://shop.example/return',
  idempotencyKey: 'idem-1',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
});

async function withApi(answer, run) {
  const api = await fakeApi(answer);
  try {
    await run(api);
  } finally {
    await api.close();
  }
}

function mapsEvery(adapter, table, documented) {
  assert.deepEqual(Object.keys(table).filter((s) => documented.includes(s)).sort(), [...documented].sort(), 'every documented status is mapped');
  for (const [status, ours] of Object.entries(table)) assert.equal(adapter.mapStatus(status), ours, status);
  const warnings = [];
  const logged = { warn: (m) => warnings.push(m), error() {} };
  return { logged, warnings };
}

const unknownIsPending = (factory, options) => {
  const warnings = [];
  const adapter = factory({ ...options, logger: { warn: (m) => warnings.push(m), error() {} } });
  assert.equal(adapter.mapStatus('SOMETHING_NEW'), 'pending');
  assert.equal(warnings.length, 1);
};

describe('omise (seed 000)', () => {
  const SECRET_KEY = 'skey_test_5zq2xkmuba4xjpxn1ln';
  const options = (baseUrl) => ({ secretKey: SECRET_KEY, baseUrl, logger: quietLogger });
  const charge = (status, extra = {}) => ({ object: 'charge', id: 'chrg_test_5x', status, authorize_uri: 'https://pay.omise.co/payments/x/authorize', ...extra });

  it('POSTs the combined charge request, form-encoded, with the secret key as Basic user', async () => {
    await withApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
      const payment = await providers.omise(options(api.url)).createPayment(input(IPHONE, { value: 150000, currency: 'SGD' }));
      const [request] = api.requests;
      assert.equal(request.url, '/charges');
      assert.equal(request.headers.authorization, `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`);
      assert.match(request.headers['content-type'], /application\/x-www-form-urlencoded/);
      const documented = loadFixture('omise', 'create-charge-request');
      for (const field of Object.keys(documented)) assert.ok(field in request.body, field);
      assert.equal(request.body['source[type]'], 'alipay_hk');
      assert.equal(request.body['source[platform_type]'], 'IOS');
      assert.equal(request.body.amount, '150000');
      assert.equal(request.body.currency, 'SGD');
      assert.deepEqual(payment, {
        paymentId: 'chrg_test_5x', providerStatus: 'pending', status: 'pending', providerReference: 'A-1001', redirectUrl: 'https://pay.omise.co/payments/x/authorize', flow: 'redirect',
      });
    });
  });

  it('platform_type: WEB on desktop, IOS / ANDROID by osType elsewhere', async () => {
    for (const [environment, platform] of [[DESKTOP, 'WEB'], [IPHONE, 'IOS'], [ANDROID_APP, 'ANDROID']]) {
      await withApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
        await providers.omise(options(api.url)).createPayment(input(environment, { value: 2000, currency: 'THB' }));
        assert.equal(api.requests[0].body['source[platform_type]'], platform);
      });
    }
  });

  it('checks the currencies and limits of the seed table before calling Omise', async () => {
    const adapter = providers.omise(options('http://127.0.0.1:9'));
    for (const amount of [{ value: 100, currency: 'HKD' }, { value: 1999, currency: 'THB' }, { value: 15_000_001, currency: 'THB' }, { value: 99, currency: 'SGD' }, { value: 2_000_001, currency: 'SGD' }]) {
      await assert.rejects(adapter.createPayment(input(DESKTOP, amount)), ProviderRequestError, JSON.stringify(amount));
    }
    assert.deepEqual(omiseChargeErrors(loadFixture('omise', 'create-charge-request')), [], 'the sandbox takes the seed example');
  });

  it('maps every documented status, keeps the failure code, and logs an unknown one', async () => {
    const { statuses, failureCodes } = loadFixture('omise', 'charge-statuses');
    mapsEvery(providers.omise(options('x')), OMISE_STATUSES, statuses);
    unknownIsPending(providers.omise, options('x'));
    for (const code of failureCodes) {
      await withApi(() => ({ status: 200, json: charge('failed', { failure_code: code, failure_message: 'no' }) }), async (api) => {
        assert.deepEqual(await providers.omise(options(api.url)).getPayment('chrg_test_5x'), {
          paymentId: 'chrg_test_5x', providerStatus: 'failed', status: 'failed', failureCode: code, failureMessage: 'no',
        });
      });
    }
  });

  it("trusts no webhook: it reads only the charge id, for the handler to fetch, and calls nobody", async () => {
    await withApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
      const forged = Buffer.from(JSON.stringify({ object: 'event', id: 'evnt_1', key: 'charge.complete', data: charge('successful', { amount: 1 }) }));
      assert.deepEqual(await providers.omise(options(api.url)).parseWebhook(forged, {}), { unsigned: true, eventId: 'evnt_1', paymentId: 'chrg_test_5x' });
      const nameless = Buffer.from(JSON.stringify({ object: 'event', id: 'evnt_2', key: 'charge.complete', data: { id: '../../account' } }));
      await assert.rejects(providers.omise(options(api.url)).parseWebhook(nameless, {}), WebhookVerificationError);
      assert.equal(api.requests.length, 0);
    });
  });

  it('reads the amount, currency and metadata.reference a charge states', async () => {
    await withApi(() => ({ status: 200, json: charge('successful', { amount: 150000, currency: 'sgd', metadata: { reference: 'A-1001' } }) }), async (api) => {
      const state = await providers.omise(options(api.url)).getPayment('chrg_test_5x');
      assert.deepEqual([state.amount, state.reference], [{ value: 150000, currency: 'SGD' }, 'A-1001']);
    });
  });
});

describe('nomupay (seed 001)', () => {
  const options = (baseUrl) => ({ apiKey: 'nomu_test_0123456789abcdef', processingAccountId: '2HdN2jq6XWmlkhqRC2gDTNYCvNH', webhookSecret: 'nomu-secret-0123456789-0123456789', baseUrl, logger: quietLogger });

  it('sends the documented request and reads nextStep.redirect.url from the seed response', async () => {
    await withApi(() => ({ status: 201, json: loadFixture('nomupay', 'create-payment-response') }), async (api) => {
      const payment = await providers.nomupay(options(api.url)).createPayment(input(DESKTOP, { value: 200, currency: 'HKD' }));
      const [request] = api.requests;
      const documented = loadFixture('nomupay', 'create-payment-request');
      assert.equal(request.url, '/v1/payments');
      assert.equal(request.headers['idempotency-key'], 'idem-1');
      assert.deepEqual(request.body, { ...documented, merchantReference: 'cs_0123456789abcdef0123456789abcdef', paymentMethod: { type: 'alipay_hk', alipayHk: { returnUrl: 'https://shop.example/return', flowType: 'qr_link' } } });
      assert.deepEqual(payment, {
        paymentId: '27yiW9MgzBtwiodreuNOXk0rtIw', providerStatus: 'pending', status: 'pending', providerReference: 'cs_0123456789abcdef0123456789abcdef',
        reference: 'c5211d6b-0178-49f8-a06b-69df097a712f', redirectUrl: 'https://payment.method/complete', flow: 'redirect',
      });
      assert.deepEqual(nomupayRequestErrors(documented, documented.processingAccountId), [], 'the sandbox takes the seed example');
    });
  });

  it('flowType: qr_link on desktop, mobile_redirect on phones and in apps', async () => {
    for (const [environment, flowType] of [[DESKTOP, 'qr_link'], [IPHONE, 'mobile_redirect'], [ANDROID_APP, 'mobile_redirect']]) {
      await withApi(() => ({ status: 201, json: loadFixture('nomupay', 'create-payment-response') }), async (api) => {
        await providers.nomupay(options(api.url)).createPayment(input(environment));
        assert.equal(api.requests[0].body.paymentMethod.alipayHk.flowType, flowType);
      });
    }
  });

  it('HKD only, from HKD 0.10', async () => {
    const adapter = providers.nomupay(options('http://127.0.0.1:9'));
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 9, currency: 'HKD' })), ProviderRequestError);
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 100, currency: 'SGD' })), ProviderRequestError);
  });

  it('maps every status of the seeds and logs an unknown one', () => {
    mapsEvery(providers.nomupay(options('x')), NOMUPAY_STATUSES, ['pending', 'approved', 'captured', 'declined', 'rejected', 'failed', 'cancelled', 'aborted']);
    unknownIsPending(providers.nomupay, options('x'));
  });

  it('verifies HS256 JWS webhooks and rejects other keys, other algorithms and plain JSON', async () => {
    const adapter = providers.nomupay(options('x'));
    const event = { id: 'evt_1', payment: { id: 'p1', status: 'declined', reason: { code: 'declined', description: 'No' } } };
    const sign = (key, alg = 'HS256') => new CompactSign(new TextEncoder().encode(JSON.stringify(event))).setProtectedHeader({ alg }).sign(new TextEncoder().encode(key));
    assert.deepEqual(await adapter.parseWebhook(Buffer.from(await sign(options('x').webhookSecret)), {}), {
      paymentId: 'p1', providerStatus: 'declined', status: 'failed', failureCode: 'declined', failureMessage: 'No', eventId: 'evt_1',
    });
    await assert.rejects(adapter.parseWebhook(Buffer.from(await sign('another-secret-0123456789-0123456789')), {}), WebhookVerificationError);
    await assert.rejects(adapter.parseWebhook(Buffer.from(await sign(options('x').webhookSecret + 'x'.repeat(40), 'HS512')), {}), WebhookVerificationError);
    await assert.rejects(adapter.parseWebhook(Buffer.from(JSON.stringify(event)), {}), WebhookVerificationError);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(event)).toString('base64url')}.`;
    await assert.rejects(adapter.parseWebhook(Buffer.from(unsigned), {}), WebhookVerificationError);
  });
});

describe('uqpay (seed 003)', () => {
  const NOTIFICATION_KEY = 'uq_notify_0123456789abcdef';
  const options = (baseUrl) => ({ clientId: 'c', apiKey: 'uq_key_0123456789abcdef', notificationKey: NOTIFICATION_KEY, notifyUrl: 'https://shop.example/api/alipayhk/webhooks/uqpay', baseUrl, logger: quietLogger });
  const payData = (payAction) => ({ code: 'SUCCESS', data: { paymentId: 'PABC', status: 'processing', payAction } });

  it("sends the seed's mandatory fields and reads payAction QRCODE / REDIRECT", async () => {
    await withApi(() => ({ status: 200, json: payData({ type: 'QRCODE', redirectUrl: 'https://qr.alipay.com/x' }) }), async (api) => {
      const before = Date.now();
      const payment = await providers.uqpay(options(api.url)).createPayment(input(DESKTOP));
      const { body } = api.requests[0];
      const fields = loadFixture('uqpay', 'pay-fields');
      assert.equal(body.paymentMethod, fields.mandatory.paymentMethod);
      assert.equal(body.product, fields.mandatory.product);
      assert.equal(body.goods.description, 'Order A-1001');
      assert.equal(body.riskData.Device.os, 'WINDOWS');
      assert.match(body.expireAt, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.ok(Date.parse(`${body.expireAt.replace(' ', 'T')}Z`) - before < 72 * 3600_000);
      assert.deepEqual(uqpayRequestErrors(body), [], 'the sandbox takes what the adapter sends');
      assert.equal(payment.qrCode, 'https://qr.alipay.com/x');
      assert.equal(payment.redirectUrl, undefined);
      assert.equal(payment.expiresAt, new Date(Date.parse(`${body.expireAt.replace(' ', 'T')}Z`)).toISOString());
    });
    await withApi(() => ({ status: 200, json: payData({ type: 'REDIRECT', url: 'https://render.alipay.hk/x' }) }), async (api) => {
      const payment = await providers.uqpay(options(api.url)).createPayment(input(IPHONE));
      assert.equal(api.requests[0].body.riskData.Device.os, 'IOS');
      assert.equal(payment.redirectUrl, 'https://render.alipay.hk/x');
    });
  });

  it('riskData.Device.os from the environment, or the user agent on desktops', () => {
    assert.equal(uqpayDeviceOs(ANDROID_APP), 'ANDROID');
    assert.equal(uqpayDeviceOs(DESKTOP, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)'), 'MACOS');
    assert.equal(uqpayDeviceOs(DESKTOP, 'Mozilla/5.0 (X11; Linux x86_64)'), 'LINUX');
    assert.equal(uqpayDeviceOs(DESKTOP, ''), 'OTHER');
  });

  it('the sandbox rejects what the seed makes mandatory', () => {
    const problems = uqpayRequestErrors({ paymentMethod: 'ALIPAY_HK', product: 'CASHIER_PAYMENT', merchantOrderId: 'x', amount: 1, currency: 'HKD', expireAt: '2099-01-01 00:00:00', returnUrl: 'https://a.example', notifyUrl: 'https://a.example' });
    assert.deepEqual(problems, ['goods.description is required for ALIPAY_HK', 'riskData.Device.os is required for CASHIER_PAYMENT', 'expireAt must be less than 72 hours ahead']);
  });

  it('maps the four statuses and logs an unknown one', () => {
    mapsEvery(providers.uqpay(options('x')), UQPAY_STATUSES, loadFixture('uqpay', 'pay-fields').statuses);
    unknownIsPending(providers.uqpay, options('x'));
  });

  it('verifies the notification signature', async () => {
    const adapter = providers.uqpay(options('x'));
    const body = Buffer.from(JSON.stringify({ notifyId: 'N1', data: { paymentId: 'PABC', status: 'success' } }));
    assert.equal((await adapter.parseWebhook(body, { 'x-signature': hmacSha256Hex(NOTIFICATION_KEY, body) })).status, 'succeeded');
    await assert.rejects(adapter.parseWebhook(body, { 'x-signature': hmacSha256Hex('uq_notify_forged_0123456789', body) }), WebhookVerificationError);
    await assert.rejects(adapter.parseWebhook(body, {}), WebhookVerificationError);
  });
});

describe('worldpay (seed 004)', () => {
  const KEY_1 = 'wp_webhook_secret_01';
  const KEY_2 = 'wp_webhook_secret_02';
  const options = (baseUrl) => ({ username: 'u', password: 'wp_password_1', narrative: 'Mind Palace Ltd', webhookKeys: { k1: KEY_1 }, baseUrl, logger: quietLogger });

  it('sends the documented request with Basic auth and WP-Api-Version, and reads the seed response', async () => {
    await withApi(() => ({ status: 201, json: loadFixture('worldpay', 'create-payment-response') }), async (api) => {
      const payment = await providers.worldpay(options(api.url)).createPayment(input(IPHONE, { value: 1234, currency: 'HKD' }));
      const [request] = api.requests;
      const documented = loadFixture('worldpay', 'create-payment-request');
      assert.equal(request.url, '/apmPayments');
      assert.equal(request.headers['wp-api-version'], '2023-06-01');
      assert.equal(request.headers.authorization, `Basic ${Buffer.from('u:wp_password_1').toString('base64')}`);
      const urls = { successURL: 'https://shop.example/return', pendingURL: 'https://shop.example/return', failureURL: 'https://shop.example/return' };
      assert.deepEqual(request.body, {
        ...documented,
        transactionReference: 'cs_0123456789abcdef0123456789abcdef',
        instruction: { ...documented.instruction, paymentInstrument: { ...documented.instruction.paymentInstrument, ...urls } },
      });
      assert.deepEqual(worldpayRequestErrors(documented), [], 'the sandbox takes the seed example');
      const response = loadFixture('worldpay', 'create-payment-response');
      assert.deepEqual(payment, {
        paymentId: response.paymentId, providerStatus: 'pending', status: 'pending', providerReference: 'cs_0123456789abcdef0123456789abcdef',
        eventKey: 'cs_0123456789abcdef0123456789abcdef', redirectUrl: response.url, flow: 'redirect',
      });
    });
  });

  it('deviceType: DESKTOP, MOBILE or TABLET', async () => {
    for (const [environment, deviceType] of [[DESKTOP, 'DESKTOP'], [IPHONE, 'MOBILE'], [{ ...IPHONE, deviceType: 'tablet' }, 'TABLET']]) {
      await withApi(() => ({ status: 201, json: loadFixture('worldpay', 'create-payment-response') }), async (api) => {
        await providers.worldpay(options(api.url)).createPayment(input(environment));
        assert.equal(api.requests[0].body.instruction.paymentInstrument.deviceType, deviceType);
      });
    }
  });

  it('EUR, HKD, GBP and SGD only, at most HKD 50,000; the narrative fits 24 characters', async () => {
    const adapter = providers.worldpay(options('http://127.0.0.1:9'));
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 100, currency: 'USD' })), ProviderRequestError);
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 5_000_001, currency: 'HKD' })), ProviderRequestError);
    assert.throws(() => providers.worldpay({ ...options('x'), narrative: 'x'.repeat(25) }), TypeError);
  });

  it('maps every lastEvent of the seeds and logs an unknown one', () => {
    mapsEvery(providers.worldpay(options('x')), WORLDPAY_STATUSES, ['pending', 'authorized', 'sentForSettlement', 'settled', 'refused', 'refusedByIssuer', 'error', 'expired', 'cancelled', 'cancelledByCustomer']);
    unknownIsPending(providers.worldpay, options('x'));
  });

  it('verifies Event-Signature {keyId}/SHA256/{hmac} and finds the payment by transactionReference', async () => {
    const adapter = providers.worldpay(options('x'));
    const body = Buffer.from(JSON.stringify({ eventId: 'e1', eventDetails: { transactionReference: 'cs_1', type: 'refused' } }));
    assert.deepEqual(await adapter.parseWebhook(body, { 'event-signature': `k1/SHA256/${hmacSha256Hex(KEY_1, body)}` }), {
      paymentId: '', providerStatus: 'refused', status: 'failed', failureCode: 'refused', eventId: 'e1', eventKey: 'cs_1', reference: 'cs_1',
    });
    for (const signature of [`k2/SHA256/${hmacSha256Hex(KEY_1, body)}`, `k1/SHA256/${hmacSha256Hex(KEY_2, body)}`, `k1/SHA1/${hmacSha256Hex(KEY_1, body)}`, '']) {
      await assert.rejects(adapter.parseWebhook(body, { 'event-signature': signature }), WebhookVerificationError, signature);
    }
  });
});
