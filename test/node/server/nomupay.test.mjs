// The NomuPay adapter against NomuPay's documents, checked with node:crypto here rather than with
// the `jose` the adapter signs with: the request signature (detached ES256 JWS, its header's alg,
// kid, aud and exp, over the exact body, empty for a GET), the idempotency key in the query,
// the amount unit, and webhooks' detached HS256 signatures, rotation and expiry included.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { providers, ProviderRequestError, WebhookVerificationError } from '../../../dist/server/index.js';
import { NOMUPAY_STATUSES } from '../../../dist/server/providers/index.js';
import { nomupayRequestErrors } from '../../../dist/server/sandbox/nomupay.js';
import { ANDROID_APP, DESKTOP, IPHONE, loadFixture, quietLogger, withFakeApi } from './helpers.mjs';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY_ID = '2HdN2jq6XWmlkhqRC2gDTNYCvNK';
const WEBHOOK_SECRET = 'nomu-secret-0123456789-0123456789';
const options = (baseUrl, extra = {}) => ({
  privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  keyId: KEY_ID,
  processingAccountId: '2HdN2jq6XWmlkhqRC2gDTNYCvNH',
  webhookSecret: WEBHOOK_SECRET,
  amountUnit: 'minor',
  baseUrl,
  logger: quietLogger,
  ...extra,
});
const input = (environment, amount = { value: 200, currency: 'HKD' }) => ({
  sessionId: 'cs_0123456789abcdef0123456789abcdef',
  amount,
  reference: 'A-1001',
  environment,
  returnUrl: 'https://shop.example/return',
  idempotencyKey: '7d3c5e8a-5b1f-4f0e-9a57-0c1e2f3a4b5c',
});

/** The JWS header of a detached X-Signature, after checking its ES256 signature over `body` with the public key. */
function verifiedRequestHeader(signature, body) {
  const [header, payload, mac] = signature.split('.');
  assert.equal(payload, '', 'detached: {header}..{signature}');
  const signed = verify('sha256', Buffer.from(`${header}.${Buffer.from(body).toString('base64url')}`), { key: keys.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(mac, 'base64url'));
  assert.ok(signed, 'the ES256 signature verifies with the public key');
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
}

describe('nomupay: requests (docs.nomupay.com integration-up-api/security and /idempotency)', () => {
  it('POST /v1/payments?idempotencyKey=…, signed over the exact body with alg, kid, aud and exp only', async () => {
    const response = loadFixture('nomupay', 'create-payment-response');
    await withFakeApi(() => ({ status: 201, json: response }), async (api) => {
      const before = Math.floor(Date.now() / 1000);
      const payment = await providers.nomupay(options(api.url)).createPayment(input(DESKTOP));
      const [request] = api.requests;
      assert.equal(request.url, '/v1/payments?idempotencyKey=7d3c5e8a-5b1f-4f0e-9a57-0c1e2f3a4b5c');
      assert.equal(request.headers.authorization, undefined, 'no Bearer token: the signature is the authentication');
      const header = verifiedRequestHeader(request.headers['x-signature'], request.text);
      assert.deepEqual(Object.keys(header).sort(), ['alg', 'aud', 'exp', 'kid']);
      assert.deepEqual([header.alg, header.kid, header.aud], ['ES256', KEY_ID, 'POST /v1/payments?idempotencyKey=7d3c5e8a-5b1f-4f0e-9a57-0c1e2f3a4b5c']);
      assert.ok(header.exp > before && header.exp <= before + 5 * 60 + 1, 'exp at most 5 minutes ahead');
      const documented = loadFixture('nomupay', 'create-payment-request');
      assert.deepEqual(request.body, { ...documented, merchantReference: 'cs_0123456789abcdef0123456789abcdef', paymentMethod: { type: 'alipay_hk', alipayHk: { returnUrl: 'https://shop.example/return', flowType: 'qr_link' } } });
      assert.deepEqual(nomupayRequestErrors(documented, documented.processingAccountId), [], 'the sandbox takes the seed example');
      assert.deepEqual(payment, {
        paymentId: response.id, providerStatus: 'pending', status: 'pending', providerReference: 'cs_0123456789abcdef0123456789abcdef',
        reference: response.merchantReference, redirectUrl: response.nextStep.redirect.url,
      });
    });
  });

  it('the signature covers exactly the bytes sent, and a changed byte does not verify', async () => {
    await withFakeApi(() => ({ status: 201, json: loadFixture('nomupay', 'create-payment-response') }), async (api) => {
      await providers.nomupay(options(api.url)).createPayment(input(IPHONE));
      const [{ text, headers }] = api.requests;
      verifiedRequestHeader(headers['x-signature'], text);
      assert.throws(() => verifiedRequestHeader(headers['x-signature'], text.replace('200', '201')));
    });
  });

  it('GET /v1/payments/{id} signs an empty payload, with aud "GET /v1/payments/{id}"', async () => {
    await withFakeApi(() => ({ status: 200, json: { id: 'P1', merchantReference: 'cs_1', status: 'captured' } }), async (api) => {
      const state = await providers.nomupay(options(api.url)).getPayment('P1');
      const header = verifiedRequestHeader(api.requests[0].headers['x-signature'], '');
      assert.equal(header.aud, 'GET /v1/payments/P1');
      assert.deepEqual(state, { paymentId: 'P1', providerStatus: 'captured', status: 'succeeded', reference: 'cs_1' });
    });
  });

  it("amount.value in the unit the merchant set (NomuPay's documents do not say), currency as in the example", async () => {
    for (const [amountUnit, value] of [['minor', 12345], ['major', 123.45]]) {
      await withFakeApi(() => ({ status: 201, json: loadFixture('nomupay', 'create-payment-response') }), async (api) => {
        await providers.nomupay(options(api.url, { amountUnit })).createPayment(input(DESKTOP, { value: 12345, currency: 'HKD' }));
        assert.deepEqual(api.requests[0].body.amount, { value, currency: 'hkd' });
      });
    }
    // An amount NomuPay states in major units is read back in minor units, and a fraction of a cent never matches.
    await withFakeApi(() => ({ status: 200, json: { id: 'P1', status: 'captured', amount: { value: 123.45, currency: 'hkd' } } }), async (api) => {
      assert.deepEqual((await providers.nomupay(options(api.url, { amountUnit: 'major' })).getPayment('P1')).amount, { value: 12345, currency: 'HKD' });
    });
    await withFakeApi(() => ({ status: 200, json: { id: 'P1', status: 'captured', amount: { value: 1.005, currency: 'hkd' } } }), async (api) => {
      assert.ok(Number.isNaN((await providers.nomupay(options(api.url, { amountUnit: 'major' })).getPayment('P1')).amount.value));
    });
  });

  it('flowType: qr_link on desktop, mobile_redirect on phones and in apps; HKD only, from HKD 0.10', async () => {
    for (const [environment, flowType] of [[DESKTOP, 'qr_link'], [IPHONE, 'mobile_redirect'], [ANDROID_APP, 'mobile_redirect']]) {
      await withFakeApi(() => ({ status: 201, json: loadFixture('nomupay', 'create-payment-response') }), async (api) => {
        await providers.nomupay(options(api.url)).createPayment(input(environment));
        assert.equal(api.requests[0].body.paymentMethod.alipayHk.flowType, flowType);
      });
    }
    const adapter = providers.nomupay(options('http://127.0.0.1:9'));
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 9, currency: 'HKD' })), ProviderRequestError);
    await assert.rejects(adapter.createPayment(input(DESKTOP, { value: 100, currency: 'SGD' })), ProviderRequestError);
  });

  it('the options a merchant must give, refused by name', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const sec1 = keys.privateKey.export({ type: 'sec1', format: 'pem' });
    assert.doesNotThrow(() => providers.nomupay(options('x', { privateKey: sec1 })), 'SEC1 as openssl ecparam writes it');
    for (const [option, value] of [['privateKey', 'not a key at all, just text'], ['privateKey', rsa], ['privateKey', p384], ['keyId', ''], ['amountUnit', undefined], ['amountUnit', 'cents'], ['mode', 'test']]) {
      assert.throws(() => providers.nomupay(options('x', { [option]: value })), (error) => error instanceof TypeError && error.message.includes(`options.${option}`), `${option}: ${value}`);
    }
  });

  it('maps every status NomuPay lists and logs an unknown one', () => {
    const listed = ['pending', 'approved', 'partially_captured', 'captured', 'partially_cancelled', 'cancelled', 'partially_refunded', 'refunded', 'failed', 'aborted', 'declined', 'rejected', 'unknown'];
    const warnings = [];
    const adapter = providers.nomupay(options('x', { logger: { warn: (m) => warnings.push(m), error() {} } }));
    for (const status of listed) assert.ok(Object.hasOwn(NOMUPAY_STATUSES, status), status);
    for (const [status, ours] of Object.entries(NOMUPAY_STATUSES)) assert.equal(adapter.mapStatus(status), ours, status);
    assert.equal(adapter.mapStatus('SOMETHING_NEW'), 'pending');
    assert.equal(warnings.length, 1);
  });
});

describe('nomupay: webhooks (JSON with a detached HS256 X-Signature)', () => {
  const WEBHOOK_URL = 'https://shop.example/api/alipayhk/webhooks/nomupay';
  const event = { id: '2dVQ7vDp1m5P0mQ3hYxkqf6b1aA', type: 'payment', payload: { id: 'P1', merchantReference: 'cs_1', status: 'declined', reason: { code: 'declined', description: 'No' } }, live: false };
  /** A detached HS256 JWS made with node:crypto, as NomuPay describes it. */
  const sign = (body, { secret = WEBHOOK_SECRET, header = {} } = {}) => {
    const protectedHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: '2dVQ7vDp1m5P0mQ3hYxkqf6b1aB', aud: WEBHOOK_URL, exp: Math.floor(Date.now() / 1000) + 300, ...header })).toString('base64url');
    const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${protectedHeader}.${Buffer.from(body).toString('base64url')}`).digest('base64url');
    return `${protectedHeader}..${mac}`;
  };
  const adapter = providers.nomupay(options('x', { mode: 'sandbox', webhookUrl: WEBHOOK_URL }));

  it('a genuine event is read: the payment in `payload`, the event id', async () => {
    const body = Buffer.from(JSON.stringify(event));
    assert.deepEqual(await adapter.parseWebhook(body, { 'x-signature': sign(body) }), {
      paymentId: 'P1', providerStatus: 'declined', status: 'failed', failureCode: 'declined', failureMessage: 'No', reference: 'cs_1', eventId: event.id,
    });
  });

  it('during a key rotation several signatures come: one that verifies is enough', async () => {
    const body = Buffer.from(JSON.stringify(event));
    const rotating = `${sign(body, { secret: 'the-old-secret-0123456789-0123456789' })}, ${sign(body)}`;
    assert.equal((await adapter.parseWebhook(body, { 'x-signature': rotating })).eventId, event.id);
    assert.equal((await adapter.parseWebhook(body, { 'x-signature': [sign(body, { secret: 'the-old-secret-0123456789-0123456789' }), sign(body)] })).eventId, event.id);
  });

  it('refuses another key, a changed body, another URL, an expired signature, another algorithm, none, and a compact JWS body', async () => {
    const body = Buffer.from(JSON.stringify(event));
    const forged = [
      [body, sign(body, { secret: 'another-secret-0123456789-0123456789' })],
      [Buffer.from(JSON.stringify({ ...event, payload: { ...event.payload, status: 'captured' } })), sign(body)],
      [body, sign(body, { header: { aud: 'https://evil.example/hook' } })],
      [body, sign(body, { header: { exp: Math.floor(Date.now() / 1000) - 3600 } })],
      [body, sign(body, { header: { alg: 'HS512' } })],
      [body, `${Buffer.from('{"alg":"none"}').toString('base64url')}..`],
      [body, undefined],
    ];
    for (const [payload, signature] of forged) {
      await assert.rejects(adapter.parseWebhook(payload, signature === undefined ? {} : { 'x-signature': signature }), WebhookVerificationError, String(signature).slice(0, 40));
    }
  });

  it('more than four signatures are refused before any is checked (a stranger cannot make us hash a body hundreds of times)', async () => {
    const body = Buffer.from(JSON.stringify(event));
    const many = [...Array(4).fill(sign(body, { secret: 'another-secret-0123456789-0123456789' })), sign(body)].join(',');
    await assert.rejects(adapter.parseWebhook(body, { 'x-signature': many }), WebhookVerificationError);
    const four = [...Array(3).fill(sign(body, { secret: 'another-secret-0123456789-0123456789' })), sign(body)].join(',');
    assert.equal((await adapter.parseWebhook(body, { 'x-signature': four })).eventId, event.id);
  });

  it('ignores events that are not about a payment, and sandbox events at a live shop', async () => {
    const refund = Buffer.from(JSON.stringify({ ...event, type: 'refund' }));
    assert.equal(await adapter.parseWebhook(refund, { 'x-signature': sign(refund) }), undefined);
    const live = providers.nomupay(options('x'));
    const body = Buffer.from(JSON.stringify(event));
    assert.equal(await live.parseWebhook(body, { 'x-signature': sign(body) }), undefined);
  });
});
