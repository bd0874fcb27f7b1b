// What a stranger controls (paths, webhook bodies and headers) and what a careless operator
// passes (an empty secret) never reach money (SPEC §7, issue 10).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createCheckoutHandler, providers } from '../../../dist/server/index.js';
import { startDemoMerchant } from '../../../demo/merchant.mjs';
import { DESKTOP, hmacSha256Hex, IPHONE, listen, quietLogger, rawRequest, startMerchant } from './helpers.mjs';

/** Options that make each adapter, with secrets shaped like real ones. */
const VALID = {
  checkoutCom: { secretKey: 'sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e', processingChannelId: 'pc_x', webhookSecret: 'whsec_6c2f0d4b9e8a7f31' },
  omise: { secretKey: 'skey_test_5zq2xkmuba4xjpxn1ln' },
  nomupay: {
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    keyId: '2HdN2jq6XWmlkhqRC2gDTNYCvNK',
    processingAccountId: '2HdN2jq6XWmlkhqRC2gDTNYCvNH',
    webhookSecret: 'nomu_whsec_0123456789abcdef',
    amountUnit: 'minor',
  },
  uqpay: {
    clientId: 'c', signId: 's', signKey: 'uq_key_0123456789abcdef', notificationKey: 'uq_notify_0123456789abcdef', notifyUrl: 'https://shop.example/hook', amountUnit: 'minor',
  },
  worldpay: { username: 'u', password: 'wp_password_1', narrative: 'Shop', webhookKeys: { k1: 'wp_webhook_secret_01' } },
};
const SECRETS = { checkoutCom: ['secretKey', 'webhookSecret'], omise: ['secretKey'], nomupay: ['privateKey', 'webhookSecret'], uqpay: ['signKey', 'notificationKey'], worldpay: ['password'] };

describe('factories refuse a missing, empty or too short secret, naming the option and not the value', () => {
  for (const [factory, names] of Object.entries(SECRETS)) {
    it(`providers.${factory}: ${names.join(', ')}`, () => {
      assert.doesNotThrow(() => providers[factory](VALID[factory]));
      for (const name of names) {
        for (const bad of [undefined, '', 'abc1234']) {
          assert.throws(
            () => providers[factory]({ ...VALID[factory], [name]: bad }),
            (error) => error instanceof TypeError && error.message.includes(`options.${name}`) && !(bad && error.message.includes(bad)),
            `${name}: ${JSON.stringify(bad)}`,
          );
        }
      }
    });
  }

  it('providers.worldpay: webhookKeys must hold at least one real key', () => {
    for (const webhookKeys of [undefined, {}, { k1: '' }, { k1: 'short' }, { '': 'wp_webhook_secret_01' }]) {
      assert.throws(() => providers.worldpay({ ...VALID.worldpay, webhookKeys }), (error) => error instanceof TypeError && /webhookKeys/.test(error.message), JSON.stringify(webhookKeys));
    }
  });

  it('createCheckoutHandler refuses options it cannot work with', () => {
    const good = { basePath: '/api/alipayhk', provider: providers.omise(VALID.omise), order: () => ({}), returnUrl: 'https://shop.example/' };
    assert.doesNotThrow(() => createCheckoutHandler(good));
    for (const [option, value] of [['basePath', 'api'], ['basePath', '/api/../admin'], ['basePath', '//api'], ['provider', undefined], ['provider', {}], ['order', undefined], ['returnUrl', 'javascript:alert(1)'], ['claimLeaseMs', 0]]) {
      assert.throws(() => createCheckoutHandler({ ...good, [option]: value }), (error) => error instanceof TypeError && error.message.includes(`options.${option}`), `${option}: ${value}`);
    }
  });
});

describe('routing reads the raw path: //, dot segments and encoded slashes never reach a route', () => {
  let merchant;
  let handler;
  let server;
  let nextCalls = 0;
  before(async () => {
    merchant = await startMerchant();
    handler = createCheckoutHandler({
      basePath: '/api/alipayhk',
      provider: providers.checkoutCom({ ...merchant.sandbox.adapterOptions, logger: quietLogger }),
      order: () => ({ amount: { value: 100, currency: 'HKD' }, reference: 'R' }),
      returnUrl: 'https://shop.example/',
      logger: quietLogger,
    });
    // As mounted in Express: what is not ours goes on to the rest of the app.
    server = await listen((req, res) => handler(req, res, () => {
      nextCalls += 1;
      res.writeHead(418).end('the rest of the app');
    }));
  });
  after(async () => {
    await server.close();
    await merchant.close();
  });

  const create = (origin, path) =>
    rawRequest(origin, 'POST', path, { headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() }, body: JSON.stringify({ environment: DESKTOP }) });

  it('paths that only normalise into basePath go on to the app (next) or get 404, and create nothing', async () => {
    const before = merchant.sandbox.payments().length;
    for (const path of ['//evil.example/api/alipayhk/sessions', '/public/../api/alipayhk/sessions', '/api/alipayhk%2Fsessions', '/api/alipayhk\\sessions', '/API/alipayhk/sessions']) {
      assert.equal((await create(server.url, path)).status, 418, path);
      assert.equal((await create(merchant.url, path)).status, 404, path);
    }
    for (const path of ['/api/alipayhk//sessions', '/api/alipayhk/./sessions', '/api/alipayhk/x/../sessions', '/api/alipayhk/%2e%2e/alipayhk/sessions', '/api/alipayhk/sessions%2F', '/api/alipayhk/sessions\\']) {
      const answer = await create(server.url, path);
      assert.equal(answer.status, 404, path);
      assert.equal(JSON.parse(answer.text).code, 'not_found', path);
    }
    assert.equal(merchant.sandbox.payments().length, before);
    assert.equal((await create(server.url, '/api/alipayhk/sessions?from=ad')).status, 201);
  });

  it('routes are matched whole: a longer base path, an empty or split id, a longer action', async () => {
    const session = JSON.parse((await create(server.url, '/api/alipayhk/sessions')).text);
    for (const path of [`${session.statusUrl}?t=1`, `${session.statusUrl}#top`, `${session.statusUrl}?a#b`, `${session.statusUrl}#a?b`]) {
      const ok = await rawRequest(server.url, 'GET', path);
      assert.equal(ok.status, 200, path);
      assert.deepEqual(JSON.parse(ok.text), { status: 'pending' }, path);
    }
    // Outside the base path: the rest of the app's.
    for (const path of ['/api/alipayhkx/sessions', '/api/alipayhk-other', '/api']) assert.equal((await create(server.url, path)).status, 418, path);
    for (const path of ['/api/alipayhk/sessions/status', `/api/alipayhk/sessions/x/${session.id}/status`, `${session.statusUrl}x`, `${session.statusUrl}/`, '/api/alipayhk/sessions//status', `/api/alipayhk/session/${session.id}/status`]) {
      const answer = await rawRequest(server.url, 'GET', path);
      assert.equal(answer.status, 404, path);
      assert.equal(JSON.parse(answer.text).code, 'not_found', path);
    }
    for (const path of ['/api/alipayhk/sessions/constructor/status', '/api/alipayhk/sessions/cs_/status', `/api/alipayhk/sessions/${session.id.toUpperCase()}/status`]) {
      const answer = await rawRequest(server.url, 'GET', path);
      assert.equal(answer.status, 404, path);
      assert.equal(JSON.parse(answer.text).code, 'session_not_found', path);
    }
    assert.equal((await rawRequest(server.url, 'POST', `${session.statusUrl.replace(/status$/, 'cancelx')}`)).status, 404);
  });

  it('an encoded slash in a session id is not found', async () => {
    const answer = await rawRequest(merchant.url, 'GET', '/api/alipayhk/sessions/..%2F..%2Fetc/status');
    assert.equal(answer.status, 404);
  });
});

describe('tables indexed by input have no prototype: constructor is not a status', () => {
  it('worldpay: a signed event of type "constructor" is ignored and the session stays whole', async () => {
    const shop = await startMerchant({}, 'worldpay');
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const { webhookKeyId, webhookKey } = shop.sandbox.credentials;
      for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const body = JSON.stringify({ eventId: `e-${type}`, eventDetails: { classification: 'apm', transactionReference: session.id, type } });
        const answer = await fetch(`${shop.url}/api/alipayhk/webhooks/worldpay`, { method: 'POST', headers: { 'Event-Signature': `${webhookKeyId}/SHA256/${hmacSha256Hex(webhookKey, body)}` }, body });
        assert.deepEqual([answer.status, await answer.json()], [200, { received: true, applied: false }], type);
      }
      assert.deepEqual((await shop.status(session)).body, { status: 'pending' });
      assert.equal(await shop.wallet(session, 'approve'), 303);
      assert.deepEqual((await shop.status(session)).body, { status: 'succeeded' });
    } finally {
      await shop.close();
    }
  });

  it('worldpay: Event-Signature naming key id "constructor" is a bad signature (401), not a crash', async () => {
    const shop = await startMerchant({}, 'worldpay');
    try {
      for (const keyId of ['constructor', '__proto__', 'toString']) {
        const answer = await fetch(`${shop.url}/api/alipayhk/webhooks/worldpay`, { method: 'POST', headers: { 'Event-Signature': `${keyId}/SHA256/00` }, body: '{}' });
        assert.deepEqual([answer.status, (await answer.json()).code], [401, 'invalid_signature'], keyId);
      }
    } finally {
      await shop.close();
    }
  });

  it('checkout-com: a signed event of type "constructor" is ignored', async () => {
    const shop = await startMerchant();
    try {
      const { body: session } = await shop.create({ environment: IPHONE });
      const paymentId = shop.sandbox.payments()[0].id;
      for (const type of ['constructor', '__proto__', 'valueOf']) {
        const body = JSON.stringify({ id: `evt_${type}`, type, data: { id: paymentId } });
        const answer = await fetch(`${shop.url}/api/alipayhk/webhooks/checkout-com`, { method: 'POST', headers: { 'Cko-Signature': hmacSha256Hex(shop.sandbox.credentials.webhookSecret, body) }, body });
        assert.deepEqual(await answer.json(), { received: true, applied: false }, type);
      }
      assert.deepEqual((await shop.status(session)).body, { status: 'pending' });
    } finally {
      await shop.close();
    }
  });

  it('every adapter maps "constructor" and "__proto__" to pending, with a log line', () => {
    for (const [factory, options] of Object.entries(VALID)) {
      const warnings = [];
      const adapter = providers[factory]({ ...options, logger: { warn: (m) => warnings.push(m), error() {} } });
      for (const status of ['constructor', '__proto__']) assert.equal(adapter.mapStatus(status), 'pending', `${factory}: ${status}`);
      assert.equal(warnings.length, 2, factory);
    }
  });

  it('the demo shop: a product called "constructor" is an unknown product (404), not a crash', async () => {
    const demo = await startDemoMerchant({ origin: 'http://127.0.0.1:9', logger: quietLogger });
    const server = await listen((req, res) => demo.handler(req, res));
    try {
      const answer = await fetch(`${server.url}/api/alipayhk/checkout-com/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ environment: DESKTOP, context: { sku: 'constructor' } }),
      });
      assert.deepEqual([answer.status, (await answer.json()).code], [404, 'unknown_product']);
    } finally {
      await server.close();
      await demo.close();
    }
  });
});
