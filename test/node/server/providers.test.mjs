// Contract tests of the Omise adapter: the seeds' own examples as
// fixtures (test/fixtures/<provider>/), each document's statuses and edge cases, and webhook
// verification, forged ones included. The other providers have their own files.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ProviderRequestError, providers, WebhookVerificationError } from '../../../dist/server/index.js';
import { OMISE_STATUSES } from '../../../dist/server/providers/index.js';
import { omiseChargeErrors } from '../../../dist/server/sandbox/omise.js';
import { ANDROID_APP, DESKTOP, IPHONE, loadFixture, quietLogger, withFakeApi } from './helpers.mjs';

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
    await withFakeApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
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
        paymentId: 'chrg_test_5x', providerStatus: 'pending', status: 'pending', providerReference: 'A-1001', redirectUrl: 'https://pay.omise.co/payments/x/authorize',
      });
    });
  });

  it('platform_type: WEB on desktop, IOS / ANDROID by osType elsewhere', async () => {
    for (const [environment, platform] of [[DESKTOP, 'WEB'], [IPHONE, 'IOS'], [ANDROID_APP, 'ANDROID']]) {
      await withFakeApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
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
      await withFakeApi(() => ({ status: 200, json: charge('failed', { failure_code: code, failure_message: 'no' }) }), async (api) => {
        assert.deepEqual(await providers.omise(options(api.url)).getPayment('chrg_test_5x'), {
          paymentId: 'chrg_test_5x', providerStatus: 'failed', status: 'failed', failureCode: code, failureMessage: 'no',
        });
      });
    }
  });

  it("trusts no webhook: it reads only the charge id, for the handler to fetch, and calls nobody", async () => {
    await withFakeApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
      const forged = Buffer.from(JSON.stringify({ object: 'event', id: 'evnt_1', key: 'charge.complete', data: charge('successful', { amount: 1 }) }));
      assert.deepEqual(await providers.omise(options(api.url)).parseWebhook(forged, {}), { unsigned: true, eventId: 'evnt_1', paymentId: 'chrg_test_5x' });
      const nameless = Buffer.from(JSON.stringify({ object: 'event', id: 'evnt_2', key: 'charge.complete', data: { id: '../../account' } }));
      await assert.rejects(providers.omise(options(api.url)).parseWebhook(nameless, {}), WebhookVerificationError);
      assert.equal(api.requests.length, 0);
    });
  });

  it('pins Omise-Version 2019-05-29 on every call (AlipayHK needs 2017-11-02 or later)', async () => {
    await withFakeApi(() => ({ status: 200, json: charge('pending') }), async (api) => {
      const adapter = providers.omise(options(api.url));
      await adapter.createPayment(input(DESKTOP, { value: 2000, currency: 'THB' }));
      await adapter.getPayment('chrg_test_5x');
      assert.deepEqual(api.requests.map((r) => r.headers['omise-version']), ['2019-05-29', '2019-05-29']);
    });
  });

  describe('with a webhook secret: Omise-Signature over "{timestamp}.{body}" under the base64-decoded secret', () => {
    // A vector made for these tests (Omise publishes none): secret, timestamp and body as below.
    const secret = 'c2FuZGJveC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5';
    const body = Buffer.from(JSON.stringify({ object: 'event', id: 'evnt_test_1', key: 'charge.complete', data: { object: 'charge', id: 'chrg_test_1', status: 'successful' } }));
    const sign = (timestamp, key = secret) => createHmac('sha256', Buffer.from(key, 'base64')).update(`${timestamp}.`).update(body).digest('hex');
    const adapter = providers.omise({ ...options('x'), webhookSecret: secret });
    const now = () => String(Math.floor(Date.now() / 1000));

    it('accepts a signature that matches, also beside an old one while the secret rolls', async () => {
      const timestamp = now();
      assert.deepEqual(await adapter.parseWebhook(body, { 'omise-signature': sign(timestamp), 'omise-signature-timestamp': timestamp }), { unsigned: true, eventId: 'evnt_test_1', paymentId: 'chrg_test_1' });
      const rolling = `${sign(timestamp, Buffer.from('the old secret, rolled away').toString('base64'))},${sign(timestamp)}`;
      assert.equal((await adapter.parseWebhook(body, { 'omise-signature': rolling, 'omise-signature-timestamp': timestamp })).paymentId, 'chrg_test_1');
    });

    it('refuses another secret, a stale or missing timestamp, no signature', async () => {
      const timestamp = now();
      const stale = String(Math.floor(Date.now() / 1000) - 3600);
      for (const headers of [
        { 'omise-signature': sign(timestamp, Buffer.from('another secret entirely!').toString('base64')), 'omise-signature-timestamp': timestamp },
        { 'omise-signature': sign(stale), 'omise-signature-timestamp': stale },
        { 'omise-signature': sign(timestamp) },
        { 'omise-signature-timestamp': timestamp },
      ]) {
        await assert.rejects(adapter.parseWebhook(body, headers), WebhookVerificationError, JSON.stringify(headers));
      }
    });
  });

  it('reads the amount, currency and metadata.reference a charge states', async () => {
    await withFakeApi(() => ({ status: 200, json: charge('successful', { amount: 150000, currency: 'sgd', metadata: { reference: 'A-1001' } }) }), async (api) => {
      const state = await providers.omise(options(api.url)).getPayment('chrg_test_5x');
      assert.deepEqual([state.amount, state.reference], [{ value: 150000, currency: 'SGD' }, 'A-1001']);
    });
  });
});
