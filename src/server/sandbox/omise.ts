// Omise's charges API as the sandbox speaks it, written from Omise's documents and omise-node
// (not from the adapter): POST /charges, form-encoded (as its API reference shows) or JSON (as
// omise-node sends it), with the secret key as Basic user and an optional `Omise-Version`
// (AlipayHK needs 2017-11-02 or later); charge objects with authorize_uri; GET /charges/{id};
// errors as { object: "error", location, code, message }; charge.complete events signed with
// Omise-Signature / Omise-Signature-Timestamp (HMAC-SHA256 of "{timestamp}.{body}" under the
// base64-decoded webhook secret).
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { basicCredentials, isSafeUrl, refundedOf } from './validate.js';

const STATUS_OF = { approve: 'successful', decline: 'failed', expire: 'expired' } as const;

function error(res: ServerResponse, status: number, code: string, message: string): true {
  sendJson(res, status, { object: 'error', location: `https://www.omise.co/api-errors#${code}`, code, message });
  return true;
}

/** Omise takes form fields; `source[type]` style keys stay flat. */
function fields(raw: Buffer, contentType = ''): Record<string, string> | undefined {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) {
    try {
      const json = JSON.parse(text);
      const flat: Record<string, string> = {};
      for (const [key, value] of Object.entries(json)) {
        if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flat[`${key}[${k}]`] = String(v);
        else flat[key] = String(value);
      }
      return flat;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Omise's charge limits per account currency (docs.omise.co/currency-and-amount): AlipayHK is SGD and THB. */
const LIMITS = new Map([
  ['THB', { min: 2_000, max: 15_000_000 }],
  ['SGD', { min: 100, max: 2_000_000 }],
]);

export function omiseChargeErrors(form: Record<string, string>): string[] {
  const problems: string[] = [];
  const currency = (form.currency ?? '').toUpperCase();
  const limit = LIMITS.get(currency);
  if (!/^\d+$/.test(form.amount ?? '')) problems.push('amount must be an integer');
  else if (limit && (Number(form.amount) < limit.min || Number(form.amount) > limit.max)) problems.push(`amount must be between ${limit.min} and ${limit.max}`);
  if (!limit) problems.push('currency is not supported');
  if (form['source[type]'] !== 'alipay_hk') problems.push('source type is not supported');
  // Omise's SDKs send IOS and android; its WooCommerce plugin sends nothing on a desktop.
  const platform = form['source[platform_type]'];
  if (platform !== undefined && !['WEB', 'IOS', 'ANDROID'].includes(platform.toUpperCase())) problems.push('platform_type is invalid');
  if (!isSafeUrl(form.return_uri)) problems.push('return_uri is invalid');
  return problems;
}

function charge(payment: SandboxPayment, context: SandboxContext) {
  const status = payment.outcome ? STATUS_OF[payment.outcome] : 'pending';
  return {
    object: 'charge',
    id: payment.id,
    livemode: false,
    location: `/charges/${payment.id}`,
    amount: payment.amount.value,
    currency: payment.amount.currency.toLowerCase(),
    description: payment.request.description ?? null,
    status,
    paid: status === 'successful',
    refunded_amount: refundedOf(payment),
    authorized: status === 'successful',
    authorize_uri: `${context.url}/wallet/${payment.id}`,
    return_uri: payment.request.return_uri,
    failure_code: payment.outcome === 'decline' ? 'payment_rejected' : null,
    failure_message: payment.outcome === 'decline' ? 'Payment rejected by issuer' : null,
    source: { object: 'source', type: 'alipay_hk', platform_type: payment.request['source[platform_type]'] ?? null, flow: 'app_redirect' },
    metadata: { reference: payment.request['metadata[reference]'] ?? null },
    expires_at: new Date(payment.expiresAtMs).toISOString(),
    created_at: payment.createdAt,
  };
}

export const omiseDialect: SandboxDialect = {
  factory: 'omise',
  defaultCredentials: { secretKey: 'skey_test_alipayhkcheckoutsandbox', webhookSecret: Buffer.from('omise-sandbox-webhook-secret-0123456789').toString('base64') },
  adapterOptions: ({ credentials }) => ({ secretKey: credentials.secretKey, webhookSecret: credentials.webhookSecret }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/charges\/(chrg_test_[a-z2-7]+)$/);
    const action = path.match(/^\/charges\/(chrg_test_[a-z2-7]+)\/(refunds|expire)$/);
    const isCreate = path === '/charges' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET') && !(action && req.method === 'POST')) return false;
    if (basicCredentials(req.headers.authorization)?.[0] !== context.credentials.secretKey) {
      return error(res, 401, 'authentication_failure', 'authentication failed');
    }
    const version = req.headers['omise-version'];
    if (version !== undefined && !['2014-07-27', '2015-11-17', '2017-11-02', '2019-05-29'].includes(String(version))) {
      return error(res, 400, 'bad_request', `Omise-Version ${version} is not an API version`);
    }
    if (action) {
      const payment = context.payments.get(action[1]!);
      if (!payment) return error(res, 404, 'not_found', `charge ${action[1]} was not found`);
      if (action[2] === 'expire') {
        // POST /charges/{id}/expire (omise-node charges.expire): a pending charge can no longer be paid.
        if (payment.outcome) return error(res, 400, 'failed_expire', 'the charge could not be set to expire');
        payment.cancelled = true;
        payment.outcome = 'expire';
        sendJson(res, 200, charge(payment, context));
        return true;
      }
      const form = fields(raw, req.headers['content-type']);
      const left = payment.amount.value - refundedOf(payment);
      if (payment.outcome !== 'approve') return error(res, 400, 'failed_refund', 'the charge is not captured');
      if (!form || !/^\d+$/.test(form.amount ?? '') || Number(form.amount) < 1 || Number(form.amount) > left) {
        return error(res, 400, 'failed_refund', `amount must be 1 to ${left}`);
      }
      payment.refunds = [...(payment.refunds ?? []), Number(form.amount)];
      sendJson(res, 200, {
        object: 'refund',
        id: randomId('rfnd_test_'),
        livemode: false,
        amount: Number(form.amount),
        currency: payment.amount.currency.toLowerCase(),
        charge: payment.id,
        voided: false,
        created_at: new Date().toISOString(),
      });
      return true;
    }
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) return error(res, 404, 'not_found', `charge ${read[1]} was not found`);
      sendJson(res, 200, charge(payment, context));
      return true;
    }
    const form = fields(raw, req.headers['content-type']);
    if (!form) return error(res, 400, 'bad_request', 'request body could not be parsed');
    const problems = omiseChargeErrors(form);
    if (version !== undefined && version < '2017-11-02' && form['source[type]'] === 'alipay_hk') problems.push('alipay_hk needs API version 2017-11-02 or later');
    if (problems.length > 0) return error(res, 400, 'invalid_charge', problems.join(', '));
    const id = randomId('chrg_test_');
    const payment = context.newPayment(
      {
        amount: { value: Number(form.amount), currency: form.currency!.toUpperCase() },
        reference: form['metadata[reference]'] ?? id,
        // authorize_uri is a page in this browser on every platform: it comes back after each outcome.
        returnTo: { approve: form.return_uri, decline: form.return_uri, expire: form.return_uri },
        // On a website the shopper scans a QR on Alipay HK's page (docs.omise.co/alipay-hk).
        showsQr: !['IOS', 'ANDROID'].includes((form['source[platform_type]'] ?? '').toUpperCase()),
        request: form,
      },
      id,
    );
    sendJson(res, 200, charge(payment, context));
    return true;
  },

  async webhook(payment, context) {
    const body = JSON.stringify({ object: 'event', id: randomId('evnt_test_'), key: 'charge.complete', created_at: new Date().toISOString(), data: charge(payment, context) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', Buffer.from(context.credentials.webhookSecret!, 'base64')).update(`${timestamp}.${body}`).digest('hex');
    return { headers: { 'Omise-Signature': signature, 'Omise-Signature-Timestamp': timestamp }, body };
  },
};
