// The Worldpay adapter against Worldpay's APM API 2024-07-01: the request it sends is validated
// with Ajv against the API's own OpenAPI schema (test/fixtures/worldpay/apm-payment-request.schema.json),
// the answers are the reference's own examples, and Event-Signature is checked with node:crypto
// here, rotation (several comma-separated signatures) included.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { ProviderError, ProviderRequestError, providers, WebhookVerificationError } from '../../../dist/server/index.js';
import { WORLDPAY_STATUSES } from '../../../dist/server/providers/index.js';
import { worldpayRequestErrors } from '../../../dist/server/sandbox/worldpay.js';
import { ANDROID_APP, DESKTOP, IPHONE, loadFixture, quietLogger, withFakeApi } from './helpers.mjs';

const KEY_1 = 'wp_webhook_secret_01';
const KEY_2 = 'wp_webhook_secret_02';
const options = (baseUrl, extra = {}) => ({ username: 'u', password: 'wp_password_1', narrative: 'Mind Palace Ltd', webhookKeys: { k1: KEY_1 }, baseUrl, logger: quietLogger, ...extra });
const WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const input = (environment, amount = { value: 1234, currency: 'HKD' }) => ({
  sessionId: 'cs_0123456789abcdef0123456789abcdef',
  amount,
  reference: 'A-1001',
  environment,
  returnUrl: 'https://shop.example/return',
  idempotencyKey: 'idem-1',
  userAgent: WINDOWS_UA,
});

/** Worldpay's published request schema for an AlipayHK payment (OpenAPI 3.0 patterns are not Unicode regexps). */
const { $comment, ...schema } = JSON.parse(readFileSync(new URL('../../fixtures/worldpay/apm-payment-request.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);

describe('worldpay: requests (APM API 2024-07-01)', () => {
  it("sends a request that Worldpay's OpenAPI schema accepts, with Basic auth and WP-Api-Version 2024-07-01", async () => {
    for (const environment of [DESKTOP, IPHONE, ANDROID_APP, { ...IPHONE, deviceType: 'tablet' }]) {
      await withFakeApi(() => ({ status: 201, json: loadFixture('worldpay', 'create-payment-response') }), async (api) => {
        await providers.worldpay(options(api.url)).createPayment(input(environment));
        const [request] = api.requests;
        assert.equal(request.url, '/apmPayments');
        assert.equal(request.headers['wp-api-version'], '2024-07-01');
        assert.match(request.headers['content-type'], /^application\/json/);
        assert.equal(request.headers.authorization, `Basic ${Buffer.from('u:wp_password_1').toString('base64')}`);
        assert.ok(validate(request.body), JSON.stringify(validate.errors));
        assert.deepEqual(worldpayRequestErrors(request.body), [], 'the sandbox takes it too');
      });
    }
  });

  it('the schema and the sandbox both accept the reference\'s own AlipayHK example, and refuse what the schema refuses', () => {
    const example = loadFixture('worldpay', 'create-payment-request');
    assert.ok(validate(example), JSON.stringify(validate.errors));
    assert.deepEqual(worldpayRequestErrors(example), []);
    const broken = { ...example, instruction: { ...example.instruction, narrative: { line1: 'Tea & Cakes: the best in town' }, value: { currency: 'HKD' } } };
    assert.equal(validate(broken), false);
    assert.deepEqual(worldpayRequestErrors(broken).map((e) => e.jsonPath).sort(), ['$.instruction.narrative.line1', '$.instruction.value.amount']);
  });

  it('the fields: method alipay_hk, direct, result URLs, deviceData, our session as transactionReference, the order as orderReference', async () => {
    await withFakeApi(() => ({ status: 201, json: loadFixture('worldpay', 'create-payment-response') }), async (api) => {
      const payment = await providers.worldpay(options(api.url)).createPayment(input(DESKTOP));
      const { body } = api.requests[0];
      const urls = { success: 'https://shop.example/return', pending: 'https://shop.example/return', failure: 'https://shop.example/return', cancel: 'https://shop.example/return' };
      assert.deepEqual(body, {
        transactionReference: 'cs_0123456789abcdef0123456789abcdef',
        orderReference: 'A-1001',
        merchant: { entity: 'default' },
        instruction: {
          method: 'alipay_hk',
          value: { amount: 1234, currency: 'HKD' },
          narrative: { line1: 'Mind Palace Ltd' },
          paymentInstrument: { type: 'direct' },
          resultUrls: urls,
          deviceData: { device: 'desktop', operatingSystem: 'windows' },
        },
      });
      const response = loadFixture('worldpay', 'create-payment-response');
      assert.deepEqual(payment, {
        paymentId: response.paymentId, providerStatus: 'pending', status: 'pending', providerReference: 'cs_0123456789abcdef0123456789abcdef',
        eventKey: 'cs_0123456789abcdef0123456789abcdef', redirectUrl: response.redirect,
      });
    });
    for (const [environment, deviceData] of [[IPHONE, { device: 'mobile', operatingSystem: 'ios' }], [{ ...ANDROID_APP, deviceType: 'tablet' }, { device: 'mobile', operatingSystem: 'android' }]]) {
      await withFakeApi(() => ({ status: 201, json: loadFixture('worldpay', 'create-payment-response') }), async (api) => {
        await providers.worldpay(options(api.url)).createPayment(input(environment));
        assert.deepEqual(api.requests[0].body.instruction.deviceData, deviceData);
      });
    }
  });

  it('an answer whose `redirect` is not a page (a Base64 QR image, for other methods) is a provider error, never shown', async () => {
    await withFakeApi(() => ({ status: 201, json: { ...loadFixture('worldpay', 'create-payment-response'), redirect: 'iVBORw0KGgoAAAANSUhEUgAA' } }), async (api) => {
      await assert.rejects(providers.worldpay(options(api.url)).createPayment(input(DESKTOP)), ProviderError);
    });
  });

  it("GET /apmPayments/{paymentId} reads the reference's example", async () => {
    const example = loadFixture('worldpay', 'get-payment-response');
    await withFakeApi(() => ({ status: 200, json: example }), async (api) => {
      assert.deepEqual(await providers.worldpay(options(api.url)).getPayment(example.paymentId), { paymentId: example.paymentId, providerStatus: 'pending', status: 'pending' });
      assert.equal(api.requests[0].url, `/apmPayments/${example.paymentId}`);
      assert.equal(api.requests[0].headers['wp-api-version'], '2024-07-01');
    });
  });

  it('EUR, HKD, GBP and SGD only, at most HKD 50,000; options refused by name', async () => {
    const adapter = providers.worldpay(options('http://127.0.0.1:9'));
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 100, currency: 'USD' })), ProviderRequestError);
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 5_000_001, currency: 'HKD' })), ProviderRequestError);
    for (const [option, value] of [['narrative', 'x'.repeat(25)], ['narrative', 'Tea & Cakes'], ['entity', 'ab'], ['mode', 'sandbox'], ['webhookKeys', { 'k,1': KEY_1 }]]) {
      assert.throws(() => providers.worldpay(options('x', { [option]: value })), (error) => error instanceof TypeError && error.message.includes(`options.${option}`), `${option}: ${JSON.stringify(value)}`);
    }
  });

  it('maps all 33 lastEvent values of the API and logs an unknown one', () => {
    const documented = 'authorized cancelFailed cancelled cancelRequested sentForSettlement sentForAuthorization settlementFailed chargebackReversed chargedBack disputeExpired disputeFundsHeld disputeFundsReleased disputeReserveReleased error expired disputeInformationRequested disputInformationSupplied miscellaneous pending refunded refundExpired refundFailed refundReversed refused refusedByIssuer requestExpired sentForRefund settled settlementReversed cancelledByCustomer signedFormReceived unknown manuallyAmended'.split(' ');
    assert.equal(documented.length, 33);
    assert.deepEqual(Object.keys(WORLDPAY_STATUSES).sort(), [...documented].sort());
    const warnings = [];
    const adapter = providers.worldpay(options('x', { logger: { warn: (m) => warnings.push(m), error() {} } }));
    for (const [event, ours] of [['sentForSettlement', 'succeeded'], ['refused', 'failed'], ['requestExpired', 'expired'], ['cancelledByCustomer', 'cancelled'], ['settlementFailed', 'failed'], ['sentForAuthorization', 'pending']]) {
      assert.equal(adapter.mapStatus(event), ours, event);
    }
    assert.equal(adapter.mapStatus('SOMETHING_NEW'), 'pending');
    assert.equal(warnings.length, 1);
  });
});

describe('worldpay: events (Event-Signature)', () => {
  const adapter = providers.worldpay(options('x', { webhookKeys: { k1: KEY_1, k2: KEY_2 } }));
  const sign = (key, body) => createHmac('sha256', key).update(body).digest('hex');
  const event = (type, extra = {}) => Buffer.from(JSON.stringify({ eventId: 'e1', eventTimestamp: '2026-12-02T10:00:00.000', eventDetails: { classification: 'payment', transactionReference: 'cs_1', type, ...extra } }));

  it('verifies {keyId}/SHA256/{hmac}, reads the amount as {value, currencyCode}, and finds the payment by transactionReference', async () => {
    const body = event('authorized', { amount: { value: 1234, currencyCode: 'HKD' } });
    assert.deepEqual(await adapter.parseWebhook(body, { 'event-signature': `k1/SHA256/${sign(KEY_1, body)}` }), {
      paymentId: '', providerStatus: 'authorized', status: 'succeeded', eventId: 'e1', eventKey: 'cs_1', amount: { value: 1234, currency: 'HKD' }, reference: 'cs_1',
    });
    const refused = event('refused');
    assert.deepEqual(await adapter.parseWebhook(refused, { 'event-signature': `k2/SHA256/${sign(KEY_2, refused).toUpperCase()}` }), {
      paymentId: '', providerStatus: 'refused', status: 'failed', failureCode: 'refused', eventId: 'e1', eventKey: 'cs_1', reference: 'cs_1',
    });
  });

  it('during a key rotation: several signatures, in any order; one from a known key that matches is enough', async () => {
    const body = event('settled');
    for (const signature of [
      `1/SHA256/${sign('an-old-key-we-dropped-01', body)},k2/SHA256/${sign(KEY_2, body)}`,
      `k2/SHA256/${sign(KEY_2, body)}, k9/SHA256/${sign('not-ours-at-all-0000000', body)}`,
    ]) {
      assert.equal((await adapter.parseWebhook(body, { 'event-signature': signature })).status, 'succeeded', signature);
    }
  });

  it('refuses unknown key ids, other keys, other hashes, a changed body and no signature', async () => {
    const body = event('authorized');
    for (const signature of [`k3/SHA256/${sign(KEY_1, body)}`, `k1/SHA256/${sign(KEY_2, body)}`, `k1/SHA1/${sign(KEY_1, body)}`, `k1/SHA256/${sign(KEY_1, event('refused'))}`, '', ',,']) {
      await assert.rejects(adapter.parseWebhook(body, { 'event-signature': signature }), WebhookVerificationError, signature);
    }
  });

  it('more than four signatures are refused before any is checked', async () => {
    const body = event('authorized');
    const many = [...Array(4).fill(`k1/SHA256/${'0'.repeat(64)}`), `k1/SHA256/${sign(KEY_1, body)}`].join(',');
    await assert.rejects(adapter.parseWebhook(body, { 'event-signature': many }), WebhookVerificationError);
  });

  it("a refund's or a dispute's amount is theirs, not the payment's: it is not held against the order", async () => {
    const refund = event('sentForRefund', { amount: { value: 100, currencyCode: 'HKD' } });
    const read = await adapter.parseWebhook(refund, { 'event-signature': `k1/SHA256/${sign(KEY_1, refund)}` });
    assert.deepEqual([read.status, read.amount], ['succeeded', undefined]);
  });

  it('ignores events that are not about a payment outcome', async () => {
    const body = event('tokenCreated');
    assert.equal(await adapter.parseWebhook(body, { 'event-signature': `k1/SHA256/${sign(KEY_1, body)}` }), undefined);
  });
});
