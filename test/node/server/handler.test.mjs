// The merchant backend's routes (SPEC §7) over real HTTP, with the Checkout.com sandbox as the provider.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCheckoutHandler, OrderError, providers } from '../../../dist/server/index.js';
import { DESKTOP, hmacSha256Hex, IPHONE, listen, quietLogger, startMerchant } from './helpers.mjs';

let merchant;
before(async () => {
  merchant = await startMerchant();
});
after(() => merchant.close());

async function post(path, body, headers = {}) {
  const response = await fetch(`${merchant.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

async function webhook(type, paymentId, { secret = merchant.sandbox.credentials.webhookSecret, id = `evt_${crypto.randomUUID()}` } = {}) {
  const body = JSON.stringify({ id, type, data: { id: paymentId } });
  return post('/api/alipayhk/webhooks/checkout-com', body, { 'Cko-Signature': hmacSha256Hex(secret, body) });
}

const paymentOf = (session) => merchant.sandbox.payments().find((p) => session.redirectUrl.endsWith(p.id));

describe('POST /sessions', () => {
  it('creates a provider payment with the amount the order callback decides, not the browser', async () => {
    const { status, body } = await merchant.create({ environment: IPHONE, context: { orderId: 'A-1', amount: { value: 1, currency: 'HKD' } } });
    assert.equal(status, 201);
    assert.match(body.id, /^cs_[0-9a-f]{32}$/);
    assert.deepEqual(body.amount, { value: 12345, currency: 'HKD' });
    assert.equal(body.statusUrl, `/api/alipayhk/sessions/${body.id}/status`);
    assert.equal(body.flow, 'redirect');
    assert.equal(body.status, 'pending');
    assert.match(body.redirectUrl, /^http:\/\/127\.0\.0\.1:\d+\/wallet\/pay_/);
    assert.equal(body.qrCode, undefined, "Alipay+'s page is where the browser goes, never a QR of ours");
    assert.deepEqual(merchant.orders.at(-1), { orderId: 'A-1', amount: { value: 1, currency: 'HKD' } });
    const payment = paymentOf(body);
    assert.equal(payment.amount.value, 12345);
    assert.deepEqual(payment.request.processing, { terminal_type: 'WAP', os_type: 'IOS' });
    assert.equal(payment.request.success_url, 'https://shop.example/checkout/return');
    assert.equal(JSON.stringify(body).includes(merchant.sandbox.credentials.secretKey), false);
  });

  it('the same Idempotency-Key, repeated or concurrent, gives one session and one provider payment', async () => {
    const before = merchant.sandbox.payments().length;
    const key = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 50 }, () => merchant.create({ key })));
    const again = await merchant.create({ key });
    assert.equal(new Set([...answers, again].map((a) => a.body.id)).size, 1);
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([201, 200]));
    assert.equal(merchant.sandbox.payments().length, before + 1);
  });

  it('refuses bad requests with a JSON code and the right status', async () => {
    const env = JSON.stringify({ environment: DESKTOP });
    assert.deepEqual((await post('/api/alipayhk/sessions', env)).body.code, 'invalid_idempotency_key');
    const cases = [
      ['{not json', 400, 'malformed_json'],
      ['[]', 400, 'invalid_request'],
      [JSON.stringify({}), 400, 'invalid_environment'],
      [JSON.stringify({ environment: { ...DESKTOP, terminalType: 'PC' } }), 400, 'invalid_environment'],
      [JSON.stringify({ environment: DESKTOP, context: 'x'.repeat(20_000) }), 413, 'body_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post('/api/alipayhk/sessions', body, { 'Idempotency-Key': crypto.randomUUID() });
      assert.equal(answer.status, status, body.slice(0, 40));
      assert.equal(answer.body.code, code);
    }
    const named = await post('/api/alipayhk/sessions', JSON.stringify({ environment: { ...DESKTOP, terminalType: 'PC' } }), { 'Idempotency-Key': 'k-123456' });
    assert.match(named.body.message, /environment\.terminalType/);
  });

  it("passes the order callback's refusal through, and turns provider limits into 422", async () => {
    const refusing = await startMerchant({ order: () => { throw new OrderError('Order A-1 is already paid', 409, 'order_paid'); } });
    const tooMuch = await startMerchant({ order: () => ({ amount: { value: 5_000_001, currency: 'HKD' }, reference: 'BIG' }) });
    try {
      assert.deepEqual(await refusing.create(), { status: 409, body: { code: 'order_paid', message: 'Order A-1 is already paid' } });
      const big = await tooMuch.create();
      assert.equal(big.status, 422);
      assert.equal(big.body.code, 'payment_not_supported');
      assert.equal(tooMuch.sandbox.payments().length, 0);
    } finally {
      await refusing.close();
      await tooMuch.close();
    }
  });

  /**
   * A merchant whose provider (the sandbox, behind a proxy) misbehaves while `fault` says so:
   * 'error' answers 503, 'hang' never answers. Creating twice under one key must end in one payment.
   */
  async function providerOutage(fault) {
    let failing = true;
    const proxy = await listen(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      if (failing) {
        if (fault === 'error') res.writeHead(503).end();
        return; // 'hang': never answers
      }
      const answer = await fetch(merchant.sandbox.url + req.url, { method: req.method, headers: req.headers, body: body || undefined });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text());
    });
    let handler;
    const server = await listen((req, res) => handler(req, res));
    handler = createCheckoutHandler({
      basePath: '/api',
      provider: providers.checkoutCom({ ...merchant.sandbox.adapterOptions, baseUrl: proxy.url, timeoutMs: 200, logger: quietLogger }),
      order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: 'R' }),
      returnUrl: 'https://shop.example/r',
      logger: quietLogger,
    });
    try {
      const key = crypto.randomUUID();
      const send = () => fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body: JSON.stringify({ environment: DESKTOP }) });
      const first = await send();
      assert.equal(first.status, 502);
      assert.equal((await first.json()).code, 'provider_error');
      failing = false;
      const before = merchant.sandbox.payments().length;
      assert.equal((await send()).status, 201);
      assert.equal(merchant.sandbox.payments().length, before + 1);
      assert.equal((await send()).status, 200);
      assert.equal(merchant.sandbox.payments().length, before + 1);
    } finally {
      await server.close();
      await proxy.close();
    }
  }

  it('a provider that answers 5xx gives 502; the retry under the same key makes the one payment', () => providerOutage('error'));

  it('a provider that hangs times out into a 502; the retry under the same key makes the one payment', () => providerOutage('hang'));
});

describe('GET /sessions/:id/status', () => {
  it('answers pending, then what the wallet did, asking the provider while not final', async () => {
    const { body: session } = await merchant.create();
    assert.deepEqual((await merchant.status(session)).body, { status: 'pending' });
    // Lose the webhook: the status query alone must find the result.
    paymentOf(session).outcome = 'approve';
    assert.deepEqual((await merchant.status(session)).body, { status: 'succeeded' });
  });

  it('asks the provider at most once per providerCheckIntervalMs and answers from the store in between', async () => {
    let checks = 0;
    const stub = {
      name: 'stub',
      mapStatus: () => 'pending',
      createPayment: async () => ({ paymentId: 'p1', status: 'pending', providerStatus: 'open', qrCode: 'https://qr.example/1' }),
      getPayment: async () => ({ paymentId: 'p1', status: 'pending', providerStatus: 'open', checks: ++checks }),
      parseWebhook: async () => undefined,
    };
    const handler = createCheckoutHandler({
      basePath: '/api', provider: stub, returnUrl: 'https://shop.example/', logger: quietLogger, providerCheckIntervalMs: 60_000,
      order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: 'r' }),
    });
    const server = await listen((req, res) => handler(req, res));
    try {
      const created = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'Idempotency-Key': 'k-throttle' }, body: JSON.stringify({ environment: DESKTOP }) });
      const session = await created.json();
      for (let i = 0; i < 10; i++) {
        const answer = await fetch(`${server.url}${session.statusUrl}`);
        assert.deepEqual(await answer.json(), { status: 'pending' });
      }
      assert.equal(checks, 1);
    } finally {
      await server.close();
    }
  });

  it('reveals nothing for an unknown, foreign or malformed id', async () => {
    // (An encoded slash never reaches this route at all: hostile-input.test.mjs.)
    for (const id of ['cs_00000000000000000000000000000000', 'pay_123', 'constructor', 'x'.repeat(300)]) {
      const response = await fetch(`${merchant.url}/api/alipayhk/sessions/${id}/status`);
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { code: 'session_not_found', message: 'No such session' });
    }
  });

  it('shows only the status fields', async () => {
    const { body: session } = await merchant.create();
    assert.equal(await merchant.wallet(session, 'decline'), 303);
    assert.deepEqual((await merchant.status(session)).body, { status: 'failed', failureCode: '20005', failureMessage: 'Declined - Do Not Honour' });
  });
});

describe('POST /webhooks/:provider', () => {
  it('a webhook with a bad signature changes nothing (401)', async () => {
    const { body: session } = await merchant.create();
    const answer = await webhook('payment_captured', paymentOf(session).id, { secret: 'whsec_forged' });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.code, 'invalid_signature');
    // Still pending at the provider too, so the status query confirms nothing changed.
    assert.deepEqual((await merchant.status(session)).body, { status: 'pending' });
  });

  it('the same webhook twice is applied once; status only moves forward', async () => {
    const { body: session } = await merchant.create();
    const paymentId = paymentOf(session).id;
    const first = await webhook('payment_captured', paymentId, { id: 'evt_same' });
    const second = await webhook('payment_captured', paymentId, { id: 'evt_same' });
    assert.deepEqual([first.status, first.body.applied], [200, true]);
    assert.deepEqual([second.status, second.body.applied], [200, true]);
    // A late pending or a contradicting decline never undoes the success.
    await webhook('payment_pending', paymentId);
    await webhook('payment_declined', paymentId);
    assert.deepEqual((await merchant.status(session)).body, { status: 'succeeded' });
  });

  it('the sandbox wallet sends a signed webhook that the backend applies', async () => {
    const { body: session } = await merchant.create();
    assert.equal(await merchant.wallet(session, 'approve'), 303);
    // Break the provider's answer: the stored (webhook) status must be what is served.
    paymentOf(session).outcome = undefined;
    assert.deepEqual((await merchant.status(session)).body, { status: 'succeeded' });
  });

  it('unknown payments and unknown events are acknowledged without effect; other providers are 404', async () => {
    assert.deepEqual((await webhook('payment_captured', 'pay_unknown')).body, { received: true, applied: false });
    assert.equal((await post('/api/alipayhk/webhooks/omise', '{}')).status, 404);
  });
});

describe('mounting', () => {
  it('calls next() outside basePath (Express, Connect) and answers 404 JSON without next', async () => {
    const handler = createCheckoutHandler({
      basePath: '/api/alipayhk',
      provider: providers.checkoutCom({ ...merchant.sandbox.credentials, baseUrl: merchant.sandbox.url }),
      order: () => ({ amount: { value: 1, currency: 'HKD' }, reference: 'r' }),
      returnUrl: 'https://shop.example/',
    });
    let nextCalled = false;
    const server = await listen((req, res) => handler(req, res, () => { nextCalled = true; res.end('shop page'); }));
    try {
      assert.equal(await (await fetch(`${server.url}/products`)).text(), 'shop page');
      assert.equal(nextCalled, true);
      assert.equal((await fetch(`${merchant.url}/api/alipayhk/nothing`)).status, 404);
    } finally {
      await server.close();
    }
  });
});

describe('every provider: the sandbox wallet\'s webhook is verified and applied', () => {
  for (const provider of ['checkout-com', 'omise', 'nomupay', 'uqpay', 'worldpay']) {
    for (const [outcome, status] of [['approve', 'succeeded'], ['decline', 'failed'], ['expire', 'expired']]) {
      it(`${provider}: ${outcome} → ${status}, from the webhook alone`, async () => {
        const shop = await startMerchant({}, provider);
        try {
          const { status: created, body: session } = await shop.create({ environment: IPHONE });
          assert.equal(created, 201);
          assert.equal(await shop.wallet(session, outcome), 303);
          assert.deepEqual(shop.webhookFailures, []);
          // Make the provider's status API say pending: what is served now came from the webhook.
          for (const payment of shop.sandbox.payments()) payment.outcome = undefined;
          assert.equal((await shop.status(session)).body.status, status);
        } finally {
          await shop.close();
        }
      });
    }
  }
});
