// The UQPAY adapter against UQPAY's acquiring reference, as far as it goes: the SHA signing rule
// (with the reference's own nested-map example), the request headers, the ALIPAY_HK fields,
// payAction, the statuses and signed notifications. What the reference leaves out is an option
// of the adapter, named as assumed in the README; these tests pin the defaults.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ProviderRequestError, providers, WebhookVerificationError } from '../../../dist/server/index.js';
import { UQPAY_STATUSES, uqpayDeviceOs, uqpaySign, uqpaySigningString, uqpayTime } from '../../../dist/server/providers/index.js';
import { uqpayRequestErrors } from '../../../dist/server/sandbox/uqpay.js';
import { ANDROID_APP, DESKTOP, IPHONE, loadFixture, quietLogger, withFakeApi } from './helpers.mjs';

const SIGN_KEY = 'uq_transaction_key_0123456789';
const NOTIFICATION_KEY = 'uq_notify_0123456789abcdef';
const options = (baseUrl, extra = {}) => ({
  clientId: '100000001', signId: 'sign-1', signKey: SIGN_KEY, notificationKey: NOTIFICATION_KEY,
  notifyUrl: 'https://shop.example/api/alipayhk/webhooks/uqpay', amountUnit: 'minor', baseUrl, logger: quietLogger, ...extra,
});
const WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const input = (environment, amount = { value: 12345, currency: 'HKD' }) => ({
  sessionId: 'cs_0123456789abcdef0123456789abcdef', amount, reference: 'A-1001', description: 'Order A-1001',
  environment, returnUrl: 'https://shop.example/return', idempotencyKey: 'idem-1', userAgent: WINDOWS_UA,
});
const payAnswer = (payAction, extra = {}) => ({ respCode: '000000', respMsg: 'Success', data: { uqOrderId: 'UQ1', merchantOrderId: 'cs_0123456789abcdef0123456789abcdef', amount: 12345, currency: 'HKD', status: 'processing', payAction, ...extra } });

describe('uqpay: the SHA signing rule (acquiring-devdoc.uqpay.com/reference)', () => {
  it("builds the reference's own nested example: card=|cardNo=…&cvv=123&expMonth=12&expYear=24|", () => {
    const card = { cardNo: '4574836230001122', cvv: '123', expMonth: '12', expYear: '24' };
    assert.equal(uqpaySigningString({ card }), 'card=|cardNo=4574836230001122&cvv=123&expMonth=12&expYear=24|');
  });

  it('drops empty values and empty strings, sorts keys in ASCII order (upper case first), at every level', () => {
    const fields = { b: '2', a: '1', Z: 'z', empty: '', none: null, missing: undefined, nested: { y: 'y', x: '', X: 'X' }, hollow: { gone: '' } };
    assert.equal(uqpaySigningString(fields), 'Z=z&a=1&b=2&nested=|X=X&y=y|');
  });

  it('appends key=<sign key> after "&" and hashes (SHA-256, lower-case hex by default; both options)', () => {
    const fields = { amount: 100, currency: 'HKD' };
    const sha256 = createHash('sha256').update(`amount=100&currency=HKD&key=${SIGN_KEY}`).digest('hex');
    assert.equal(uqpaySign(fields, SIGN_KEY), sha256);
    assert.equal(uqpaySign(fields, SIGN_KEY, { hexCase: 'upper' }), sha256.toUpperCase());
    assert.equal(uqpaySign(fields, SIGN_KEY, { hash: 'sha512', saltJoiner: '' }), createHash('sha512').update(`amount=100&currency=HKDkey=${SIGN_KEY}`).digest('hex'));
  });
});

describe('uqpay: PAY and DETAIL', () => {
  it("sends the reference's headers, signed; the seed's mandatory fields; a new requestId each time", async () => {
    await withFakeApi(() => ({ status: 200, json: payAnswer({ type: 'QRCODE', redirectUrl: 'https://qr.alipay.com/x' }) }), async (api) => {
      const adapter = providers.uqpay(options(api.url));
      const payment = await adapter.createPayment(input(DESKTOP));
      await adapter.createPayment(input(DESKTOP));
      const [request, second] = api.requests;
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/pay');
      assert.deepEqual([request.headers.clientid, request.headers.signtype, request.headers.signid], ['100000001', 'SHA', 'sign-1']);
      assert.equal(request.headers.sign, uqpaySign(request.body, SIGN_KEY));
      assert.match(request.headers.requestid, /^[0-9a-f-]{36}$/);
      assert.notEqual(second.headers.requestid, request.headers.requestid);
      const fields = loadFixture('uqpay', 'pay-fields');
      assert.equal(request.body.paymentMethod, fields.mandatory.paymentMethod);
      assert.equal(request.body.product, fields.mandatory.product);
      assert.equal(request.body.goods.description, 'Order A-1001');
      assert.equal(request.body.riskData.Device.os, 'WINDOWS');
      assert.deepEqual([request.body.merchantOrderId, request.body.amount, request.body.currency], ['cs_0123456789abcdef0123456789abcdef', 12345, 'HKD']);
      assert.deepEqual(uqpayRequestErrors(request.body), [], 'the sandbox takes what the adapter sends');
      assert.deepEqual(payment, {
        paymentId: 'UQ1', providerStatus: 'processing', status: 'pending', amount: { value: 12345, currency: 'HKD' }, reference: 'cs_0123456789abcdef0123456789abcdef',
        providerReference: 'cs_0123456789abcdef0123456789abcdef', qrCode: 'https://qr.alipay.com/x', flow: 'qr',
      });
    });
  });

  it('payAction REDIRECT (the reference spells its field "Url") is where the browser goes', async () => {
    for (const field of ['Url', 'url']) {
      await withFakeApi(() => ({ status: 200, json: payAnswer({ type: 'REDIRECT', [field]: 'https://render.alipay.hk/x' }) }), async (api) => {
        const payment = await providers.uqpay(options(api.url)).createPayment(input(IPHONE));
        assert.equal(api.requests[0].body.riskData.Device.os, 'IOS');
        assert.deepEqual([payment.redirectUrl, payment.flow, payment.qrCode], ['https://render.alipay.hk/x', undefined, undefined]);
      });
    }
  });

  it('expireAt, when asked for, is under 72 hours, in Hong Kong time', async () => {
    await withFakeApi(() => ({ status: 200, json: payAnswer({ type: 'QRCODE', redirectUrl: 'https://qr.alipay.com/x' }) }), async (api) => {
      const payment = await providers.uqpay(options(api.url, { expiresInMs: 15 * 60_000 })).createPayment(input(DESKTOP));
      const { expireAt } = api.requests[0].body;
      assert.equal(expireAt, uqpayTime(new Date(payment.expiresAt)));
      assert.equal(uqpayTime(new Date('2026-12-02T16:30:00Z')), '2026-12-03 00:30:00');
    });
  });

  it('amount in the unit the merchant set; HKD only; no retry of PAY (no documented idempotency)', async () => {
    await withFakeApi(() => ({ status: 200, json: payAnswer({ type: 'QRCODE', redirectUrl: 'https://qr.alipay.com/x' }, { amount: 123.45 }) }), async (api) => {
      const payment = await providers.uqpay(options(api.url, { amountUnit: 'major' })).createPayment(input(DESKTOP));
      assert.equal(api.requests[0].body.amount, 123.45);
      assert.deepEqual(payment.amount, { value: 12345, currency: 'HKD' });
    });
    await assert.rejects(providers.uqpay(options('http://127.0.0.1:9')).createPayment(input(DESKTOP, { value: 100, currency: 'SGD' })), ProviderRequestError);
    await withFakeApi(() => ({ status: 503 }), async (api) => {
      await assert.rejects(providers.uqpay(options(api.url)).createPayment(input(DESKTOP)), /HTTP 503/);
      assert.equal(api.requests.length, 1);
    });
  });

  it('DETAIL is a signed POST naming uqOrderId; data.status maps; "Transaction does not exist" is an error', async () => {
    await withFakeApi(() => ({ status: 200, json: { respCode: '000000', data: { uqOrderId: 'UQ1', merchantOrderId: 'cs_1', status: 'success', amount: 100, currency: 'HKD' } } }), async (api) => {
      assert.deepEqual(await providers.uqpay(options(api.url)).getPayment('UQ1'), {
        paymentId: 'UQ1', providerStatus: 'success', status: 'succeeded', amount: { value: 100, currency: 'HKD' }, reference: 'cs_1',
      });
      assert.deepEqual([api.requests[0].url, api.requests[0].body], ['/detail', { uqOrderId: 'UQ1' }]);
      assert.equal(api.requests[0].headers.sign, uqpaySign({ uqOrderId: 'UQ1' }, SIGN_KEY));
    });
    await withFakeApi(() => ({ status: 200, json: { respCode: '200001', respMsg: 'Transaction does not exist' } }), async (api) => {
      await assert.rejects(providers.uqpay(options(api.url)).getPayment('UQ404'), /Transaction does not exist/);
    });
  });

  it('a retried DETAIL carries a new requestId ("non repeatable")', async () => {
    await withFakeApi((req, n) => (n === 1 ? { status: 503 } : { status: 200, json: { respCode: '000000', data: { uqOrderId: 'UQ1', status: 'processing' } } }), async (api) => {
      await providers.uqpay(options(api.url)).getPayment('UQ1');
      assert.equal(api.requests.length, 2);
      assert.notEqual(api.requests[0].headers.requestid, api.requests[1].headers.requestid);
    });
  });

  it('riskData.Device.os from the environment, or the user agent on desktops', () => {
    assert.equal(uqpayDeviceOs(ANDROID_APP), 'ANDROID');
    assert.equal(uqpayDeviceOs(DESKTOP, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)'), 'MACOS');
    assert.equal(uqpayDeviceOs(DESKTOP, 'Mozilla/5.0 (X11; Linux x86_64)'), 'LINUX');
    assert.equal(uqpayDeviceOs(DESKTOP, ''), 'OTHER');
  });

  it('the sandbox refuses what the seed makes mandatory', () => {
    const problems = uqpayRequestErrors({ paymentMethod: 'ALIPAY_HK', product: 'CASHIER_PAYMENT', merchantOrderId: 'x', amount: 1, currency: 'HKD', expireAt: '2099-01-01 00:00:00', returnUrl: 'https://a.example', notifyUrl: 'https://a.example' });
    assert.deepEqual(problems, ['goods.description is required for ALIPAY_HK', 'riskData.Device.os is required for CASHIER_PAYMENT', 'expireAt must be less than 72 hours ahead']);
  });

  it('maps the four statuses, logs an unknown one, and refuses options it needs by name', () => {
    const warnings = [];
    const adapter = providers.uqpay(options('x', { logger: { warn: (m) => warnings.push(m), error() {} } }));
    assert.deepEqual(Object.keys(UQPAY_STATUSES).sort(), [...loadFixture('uqpay', 'pay-fields').statuses].sort());
    for (const [status, ours] of Object.entries(UQPAY_STATUSES)) assert.equal(adapter.mapStatus(status), ours);
    assert.equal(adapter.mapStatus('SOMETHING_NEW'), 'pending');
    assert.equal(warnings.length, 1);
    for (const [option, value] of [['signKey', ''], ['notificationKey', 'short'], ['signId', ''], ['amountUnit', undefined], ['mode', 'test']]) {
      assert.throws(() => providers.uqpay(options('x', { [option]: value })), (error) => error instanceof TypeError && error.message.includes(`options.${option}`), option);
    }
  });
});

describe('uqpay: notifications', () => {
  const adapter = providers.uqpay(options('x'));
  const notification = { notifyId: 'N1', notifyType: 'PAYMENT', data: { uqOrderId: 'UQ1', merchantOrderId: 'cs_1', amount: 100, currency: 'HKD', status: 'success' } };
  const body = Buffer.from(JSON.stringify(notification));

  it('verifies the sign header with the notification key, and is answered {"code":"000000"}', async () => {
    const event = await adapter.parseWebhook(body, { sign: uqpaySign(notification, NOTIFICATION_KEY) });
    assert.deepEqual(event, { paymentId: 'UQ1', providerStatus: 'success', status: 'succeeded', amount: { value: 100, currency: 'HKD' }, reference: 'cs_1', eventId: 'N1' });
    assert.deepEqual(adapter.webhookAcknowledgement, { code: '000000' });
  });

  it('refuses the transaction key, another key, a changed body and no signature', async () => {
    const changed = Buffer.from(JSON.stringify({ ...notification, data: { ...notification.data, amount: 1 } }));
    for (const [payload, headers] of [
      [body, { sign: uqpaySign(notification, SIGN_KEY) }],
      [body, { sign: uqpaySign(notification, 'uq_notify_forged_0123456789') }],
      [changed, { sign: uqpaySign(notification, NOTIFICATION_KEY) }],
      [body, {}],
    ]) {
      await assert.rejects(adapter.parseWebhook(payload, headers), WebhookVerificationError);
    }
  });
});
