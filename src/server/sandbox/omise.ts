// Omise's charges API as the sandbox speaks it: form-encoded POST /charges with the secret key
// as Basic user, charge objects with authorize_uri, GET /charges/{id}, errors as
// { object: "error", code, message }, and unsigned charge.complete events (the merchant is
// expected to fetch the charge again).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { OMISE_LIMITS } from '../providers/omise.js';
import { lookup } from '../providers/shared.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { basicCredentials, isSafeUrl } from './validate.js';

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

export function omiseChargeErrors(form: Record<string, string>): string[] {
  const problems: string[] = [];
  const currency = (form.currency ?? '').toUpperCase();
  const limit = lookup(OMISE_LIMITS, currency);
  if (!/^\d+$/.test(form.amount ?? '')) problems.push('amount must be an integer');
  else if (limit && (Number(form.amount) < limit.min || Number(form.amount) > limit.max)) problems.push(`amount must be between ${limit.min} and ${limit.max}`);
  if (!limit) problems.push('currency is not supported');
  if (form['source[type]'] !== 'alipay_hk') problems.push('source type is not supported');
  if (!['WEB', 'IOS', 'ANDROID'].includes(form['source[platform_type]'] ?? '')) problems.push('platform_type is invalid');
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
    authorized: status === 'successful',
    authorize_uri: `${context.url}/wallet/${payment.id}`,
    return_uri: payment.request.return_uri,
    failure_code: payment.outcome === 'decline' ? 'payment_rejected' : null,
    failure_message: payment.outcome === 'decline' ? 'Payment rejected by issuer' : null,
    source: { object: 'source', type: 'alipay_hk', platform_type: payment.request['source[platform_type]'], flow: 'redirect' },
    metadata: { reference: payment.request['metadata[reference]'] ?? null },
    expires_at: new Date(payment.expiresAtMs).toISOString(),
    created_at: payment.createdAt,
  };
}

export const omiseDialect: SandboxDialect = {
  factory: 'omise',
  defaultCredentials: { secretKey: 'skey_test_alipayhkcheckoutsandbox' },
  adapterOptions: ({ credentials }) => ({ secretKey: credentials.secretKey }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/charges\/(chrg_test_[a-z2-7]+)$/);
    const isCreate = path === '/charges' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET')) return false;
    if (basicCredentials(req.headers.authorization)?.[0] !== context.credentials.secretKey) {
      return error(res, 401, 'authentication_failure', 'authentication failed');
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
    if (problems.length > 0) return error(res, 400, 'invalid_charge', problems.join(', '));
    const id = randomId('chrg_test_');
    const payment = context.newPayment(
      {
        amount: { value: Number(form.amount), currency: form.currency!.toUpperCase() },
        reference: form['metadata[reference]'] ?? id,
        // authorize_uri is a page in this browser on every platform: it comes back after each outcome.
        returnTo: { approve: form.return_uri, decline: form.return_uri, expire: form.return_uri },
        request: form,
      },
      id,
    );
    sendJson(res, 200, charge(payment, context));
    return true;
  },

  async webhook(payment, context) {
    const body = JSON.stringify({ object: 'event', id: randomId('evnt_test_'), key: 'charge.complete', created_at: new Date().toISOString(), data: charge(payment, context) });
    return { headers: {}, body };
  },
};
