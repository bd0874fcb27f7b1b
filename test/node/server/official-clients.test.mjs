// The providers' official client libraries, which we did not write, talk to our sandboxes: what
// they send is what the real API gets, and what the sandboxes answer is what they understand.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Checkout } from 'checkout-sdk-node';
import { startSandbox } from '../../../dist/server/index.js';
import { quietLogger } from './helpers.mjs';

describe('checkout-sdk-node against the Checkout.com sandbox', () => {
  let sandbox;
  before(async () => {
    // The SDK takes its key from these when they are set: they must not be, here.
    delete process.env.CKO_SECRET;
    delete process.env.CKO_SECRET_KEY;
    sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: 'http://127.0.0.1:9/hooks', logger: quietLogger });
  });
  after(() => sandbox.close());

  const client = (key = sandbox.credentials.secretKey) => new Checkout(key, { host: sandbox.url });
  const request = (overrides = {}) => ({
    amount: 12345,
    currency: 'HKD',
    reference: 'ORD-1',
    source: { type: 'alipay_hk' },
    processing: { terminal_type: 'WAP', os_type: 'IOS' },
    success_url: 'https://shop.example/ok',
    failure_url: 'https://shop.example/ko',
    processing_channel_id: sandbox.credentials.processingChannelId,
    ...overrides,
  });

  it('requests an AlipayHK payment (202, pending, redirect link) and gets it back', async () => {
    const created = await client().payments.request(request(), 'idem-ORD-1');
    assert.equal(created.status, 'Pending');
    assert.equal(created.requiresRedirect, true);
    assert.match(created.redirectLink, new RegExp(`^${sandbox.url}/wallet/pay_`));
    const got = await client().payments.get(created.id);
    assert.deepEqual([got.id, got.amount, got.currency, got.reference, got.status], [created.id, 12345, 'HKD', 'ORD-1', 'Pending']);
    const again = await client().payments.request(request(), 'idem-ORD-1');
    assert.equal(again.id, created.id, 'the same Cko-Idempotency-Key gives back the same payment');
  });

  it('refunds a captured payment (no body: all of it) and sees it Refunded; a refund of a pending one is ActionNotAllowed', async () => {
    const created = await client().payments.request(request({ reference: 'ORD-2' }), 'idem-ORD-2');
    await assert.rejects(client().payments.refund(created.id), (error) => error.name === 'ActionNotAllowed' && error.http_code === 403);
    sandbox.payments().find((p) => p.id === created.id).outcome = 'approve';
    const partial = await client().payments.refund(created.id, { amount: 345, reference: 'R-1' }, 'refund-1');
    assert.match(partial.action_id, /^act_/);
    assert.equal((await client().payments.get(created.id)).status, 'Partially Refunded');
    const rest = await client().payments.refund(created.id, undefined, 'refund-2');
    assert.match(rest.action_id, /^act_/);
    const got = await client().payments.get(created.id);
    assert.deepEqual([got.status, got.balances.total_refunded], ['Refunded', 12345]);
    await assert.rejects(client().payments.refund(created.id, { amount: 1 }, 'refund-3'), (error) => error.name === 'ValidationError' && error.body.error_codes.includes('amount_exceeds_balance'));
  });

  it('a wrong key is an AuthenticationError (401)', async () => {
    await assert.rejects(client('sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e').payments.get('pay_abcdefghijklmnopqrstuvwxyz'), (error) => error.name === 'AuthenticationError' && error.http_code === 401);
  });

  it('what the API refuses is a ValidationError (422 request_invalid) with its error codes', async () => {
    const refused = client().payments.request(request({ amount: 0, processing: { terminal_type: 'WAP' } }));
    await assert.rejects(refused, (error) => {
      assert.equal(error.name, 'ValidationError');
      assert.equal(error.http_code, 422);
      assert.equal(error.body.error_type, 'request_invalid');
      assert.deepEqual(error.body.error_codes, ['amount_invalid', 'processing_os_type_required']);
      return true;
    });
  });

  it('an unknown payment is a NotFoundError (404)', async () => {
    await assert.rejects(client().payments.get('pay_abcdefghijklmnopqrstuvwxyz'), (error) => error.name === 'NotFoundError');
  });
});

describe('omise-node against the Omise sandbox', () => {
  it('creates an AlipayHK charge (JSON, Omise-Version 2019-05-29) and retrieves it; errors come back as Omise error objects', async () => {
    const sandbox = await startSandbox({ provider: 'omise', webhookUrl: 'http://127.0.0.1:9/hooks', logger: quietLogger });
    try {
      const script = new URL('./omise-client.mjs', import.meta.url).pathname;
      const env = { ...process.env, SANDBOX_PORT: new URL(sandbox.url).port, SECRET_KEY: sandbox.credentials.secretKey };
      const { stdout } = await promisify(execFile)(process.execPath, [script], { env });
      const { created, retrieved, expired, refundOfExpired, tooSmall, unknown } = JSON.parse(stdout);
      assert.equal(created.value?.object, 'charge', JSON.stringify(created));
      assert.deepEqual([created.value.amount, created.value.currency, created.value.status, created.value.source.type], [150_000, 'sgd', 'pending', 'alipay_hk']);
      assert.match(created.value.authorize_uri, /\/wallet\/chrg_test_/);
      assert.deepEqual([retrieved.value.id, retrieved.value.status, retrieved.value.metadata.reference], [created.value.id, 'pending', 'A-1001']);
      assert.deepEqual([expired.value?.status, expired.value?.id], ['expired', created.value.id], 'charges.expire: a pending charge can no longer be paid');
      assert.deepEqual([refundOfExpired.error?.object, refundOfExpired.error?.code], ['error', 'failed_refund']);
      assert.deepEqual([tooSmall.error?.object, tooSmall.error?.code], ['error', 'invalid_charge']);
      assert.deepEqual([unknown.error?.object, unknown.error?.code], ['error', 'not_found']);
      // The sandbox refuses a wrong key or an unknown Omise-Version: it took the client's JSON as one alipay_hk charge.
      assert.deepEqual(sandbox.payments().map((p) => p.request['source[type]']), ['alipay_hk']);
    } finally {
      await sandbox.close();
    }
  });
});
