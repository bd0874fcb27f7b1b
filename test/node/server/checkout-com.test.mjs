// The Checkout.com adapter against the seed's own examples and against the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { providers, WebhookVerificationError, ProviderRequestError } from '../../../dist/server/index.js';
import { checkoutComDeviceFields, checkoutComHost, CHECKOUT_COM_STATUSES } from '../../../dist/server/providers/index.js';
import { checkoutComRequestErrors } from '../../../dist/server/sandbox/checkout-com.js';
import { ANDROID_APP, DESKTOP, fakeApi, hmacSha256Hex, IPHONE, loadFixture, quietLogger } from './helpers.mjs';

const fixture = (name) => loadFixture('checkout-com', name);

const SECRET_KEY = 'sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e';
const WEBHOOK_SECRET = 'whsec_6c2f0d4b9e8a7f31';
const options = (baseUrl) => ({ secretKey: SECRET_KEY, processingChannelId: 'pc_test', webhookSecret: WEBHOOK_SECRET, baseUrl, logger: quietLogger });
const input = (environment) => ({
  amount: { value: 12345, currency: 'HKD' },
  reference: 'A-1001',
  description: 'Order A-1001',
  environment,
  returnUrl: 'https://shop.example/return',
  idempotencyKey: 'idem-1',
});

describe('checkout-com: the device fields (SPEC §7 table)', () => {
  it('desktop → WEB, phone browser → WAP + os_type, app web view → APP + os_type', () => {
    assert.deepEqual(checkoutComDeviceFields(DESKTOP), { terminal_type: 'WEB' });
    assert.deepEqual(checkoutComDeviceFields(IPHONE), { terminal_type: 'WAP', os_type: 'IOS' });
    assert.deepEqual(checkoutComDeviceFields(ANDROID_APP), { terminal_type: 'APP', os_type: 'ANDROID' });
    assert.deepEqual(checkoutComDeviceFields({ ...IPHONE, deviceType: 'tablet' }), { terminal_type: 'WAP', os_type: 'IOS' });
  });
});

describe('checkout-com: create payment, as the seed documents it', () => {
  let api;
  before(async () => {
    api = await fakeApi(() => ({ status: 202, json: fixture('create-payment-response') }));
  });
  after(() => api.close());

  it('sends the documented request with the secret key and Cko-Idempotency-Key', async () => {
    const payment = await providers.checkoutCom(options(api.url)).createPayment(input(IPHONE));
    const [request] = api.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/payments');
    assert.equal(request.headers.authorization, `Bearer ${SECRET_KEY}`);
    assert.equal(request.headers['cko-idempotency-key'], 'idem-1');
    assert.deepEqual(request.body, {
      amount: 12345,
      currency: 'HKD',
      source: { type: 'alipay_hk' },
      processing: { terminal_type: 'WAP', os_type: 'IOS' },
      success_url: 'https://shop.example/return',
      failure_url: 'https://shop.example/return',
      payment_type: 'Regular',
      reference: 'A-1001',
      description: 'Order A-1001',
      capture: true,
      processing_channel_id: 'pc_test',
    });
    // Every field we send is one the seed's own example sends (description aside, which the API reference lists).
    const documented = Object.keys(fixture('create-payment-request'));
    for (const field of Object.keys(request.body)) assert.ok(documented.includes(field) || field === 'description', field);
  });

  it("turns the seed's 202 response into a session: on a desktop too, _links.redirect.href is a page the browser goes to, never a QR of ours", async () => {
    const payment = await providers.checkoutCom(options(api.url)).createPayment(input(DESKTOP));
    const href = fixture('create-payment-response')._links.redirect.href;
    // The reference the 202 states is read, for the handler to hold against the one sent (it differs here: the seed's order).
    assert.deepEqual(payment, {
      paymentId: 'pay_bsrduhejxiuerlh32hb5n6dvae', providerStatus: 'Pending', status: 'pending', providerReference: 'A-1001', reference: 'ORD-5023-4E89', redirectUrl: href,
    });
  });

  it('sandbox keys go to the sandbox host, others to the live one', () => {
    assert.equal(checkoutComHost(SECRET_KEY), 'https://api.sandbox.checkout.com');
    assert.equal(checkoutComHost('sk_m73dzbpy7cf3gfd46xr4yj5xo4e'), 'https://api.checkout.com');
  });

  it('HKD and SGD only (AlipayHK on Checkout.com)', async () => {
    const adapter = providers.checkoutCom(options(api.url));
    await assert.rejects(adapter.createPayment({ ...input(DESKTOP), amount: { value: 100, currency: 'USD' } }), (error) => error instanceof ProviderRequestError && error.field === 'amount.currency');
    await adapter.createPayment({ ...input(DESKTOP), amount: { value: 100, currency: 'SGD' } });
  });

  it('the sandbox accepts the seed request example and rejects what the API would', () => {
    assert.deepEqual(checkoutComRequestErrors(fixture('create-payment-request'), 'pc_ekaubqrravqupfxde7kxvd2t3i'), []);
    assert.deepEqual(
      checkoutComRequestErrors({ ...fixture('create-payment-request'), amount: 10.5, processing: { terminal_type: 'WAP' }, processing_channel_id: undefined }, 'pc_x'),
      ['amount_invalid', 'processing_os_type_required', 'processing_channel_id_required'],
    );
  });

  it('refuses amounts over AlipayHK limits before calling the provider', async () => {
    const before = api.requests.length;
    await assert.rejects(
      providers.checkoutCom(options(api.url)).createPayment({ ...input(DESKTOP), amount: { value: 5_000_001, currency: 'HKD' } }),
      (error) => error instanceof ProviderRequestError && error.field === 'amount.value',
    );
    assert.equal(api.requests.length, before);
  });
});

describe('checkout-com: status', () => {
  it("maps the seed's GET /payments/{id} response (Captured) to succeeded", async () => {
    const api = await fakeApi(() => ({ status: 200, json: fixture('get-payment-response') }));
    try {
      const state = await providers.checkoutCom(options(api.url)).getPayment('pay_bsrduhejxiuerlh32hb5n6dvae');
      assert.deepEqual(state, {
        paymentId: 'pay_bsrduhejxiuerlh32hb5n6dvae', providerStatus: 'Captured', status: 'succeeded', amount: { value: 1100, currency: 'EUR' }, reference: 'ORD-5023-4E89',
      });
      assert.equal(api.requests[0].url, '/payments/pay_bsrduhejxiuerlh32hb5n6dvae');
    } finally {
      await api.close();
    }
  });

  it('maps every documented status, and an unknown one to pending with a log line', () => {
    const warnings = [];
    const adapter = providers.checkoutCom({ ...options('https://x'), logger: { warn: (m) => warnings.push(m), error() {} } });
    const expected = {
      Pending: 'pending', Authorized: 'succeeded', 'Card Verified': 'pending', Captured: 'succeeded', 'Partially Captured': 'succeeded',
      Paid: 'succeeded', Refunded: 'succeeded', 'Partially Refunded': 'succeeded', Declined: 'failed', Expired: 'expired',
      Canceled: 'cancelled', Voided: 'cancelled', 'Retry Scheduled': 'pending', Active: 'pending', Requested: 'pending', 'Authentication Requested': 'pending',
    };
    assert.deepEqual(Object.keys(CHECKOUT_COM_STATUSES).sort(), Object.keys(expected).sort());
    for (const [status, ours] of Object.entries(expected)) assert.equal(adapter.mapStatus(status), ours, status);
    assert.equal(adapter.mapStatus('Teleported'), 'pending');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Teleported/);
  });

  it('retries a 5xx once with the same idempotency key, then reports a ProviderError', async () => {
    const api = await fakeApi(() => ({ status: 503 }));
    try {
      await assert.rejects(providers.checkoutCom(options(api.url)).createPayment(input(DESKTOP)), /HTTP 503/);
      assert.equal(api.requests.length, 2);
      assert.equal(api.requests[0].headers['cko-idempotency-key'], api.requests[1].headers['cko-idempotency-key']);
    } finally {
      await api.close();
    }
  });
});

describe('checkout-com: webhooks', () => {
  const adapter = providers.checkoutCom(options('https://x'));
  const event = (type, data = {}) => Buffer.from(JSON.stringify({ id: 'evt_1', type, data: { id: 'pay_1', ...data } }));
  const signed = (body, secret = WEBHOOK_SECRET) => ({ 'cko-signature': hmacSha256Hex(secret, body) });

  it('accepts a body signed with the webhook secret and maps its type', async () => {
    const body = event('payment_declined', { amount: 12345, currency: 'HKD', reference: 'A-1001', response_code: '20005', response_summary: 'Declined - Do Not Honour' });
    assert.deepEqual(await adapter.parseWebhook(body, signed(body)), {
      eventId: 'evt_1', paymentId: 'pay_1', providerStatus: 'payment_declined', status: 'failed', failureCode: '20005', failureMessage: 'Declined - Do Not Honour',
      amount: { value: 12345, currency: 'HKD' }, reference: 'A-1001',
    });
    const captured = event('payment_captured');
    assert.equal((await adapter.parseWebhook(captured, signed(captured))).status, 'succeeded');
  });

  it('rejects a missing, wrong or other-secret signature, and a body changed after signing', async () => {
    const body = event('payment_captured');
    for (const headers of [{}, { 'cko-signature': 'abc' }, signed(body, 'whsec_another_secret_1'), signed(event('payment_declined'))]) {
      await assert.rejects(adapter.parseWebhook(body, headers), WebhookVerificationError);
    }
  });

  it('ignores events that do not move a payment (refunds)', async () => {
    const body = event('payment_refunded');
    assert.equal(await adapter.parseWebhook(body, signed(body)), undefined);
  });
});
