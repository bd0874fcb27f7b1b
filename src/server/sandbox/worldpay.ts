// Worldpay Access's APM API (2023-06-01) as the sandbox speaks it: POST /apmPayments with Basic
// auth and WP-Api-Version, the seed's required fields and lengths, 400 bodyDoesNotMatchSchema
// with validationErrors, 201 with paymentId / lastEvent / url, GET /apmPayments/{paymentId},
// and webhooks with Event-Signature: {keyId}/SHA256/{hmac}.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { hmacSha256Hex, lookup } from '../providers/shared.js';
import { WORLDPAY_LIMITS } from '../providers/worldpay.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { basicCredentials, isHttpUrl, isIntegerIn } from './validate.js';

const STATUS_OF = { approve: 'sentForSettlement', decline: 'refused', expire: 'expired' } as const;

export function worldpayRequestErrors(body: any): Array<{ errorName: string; message: string; jsonPath: string }> {
  const errors: Array<{ errorName: string; message: string; jsonPath: string }> = [];
  const missing = (path: string) => errors.push({ errorName: 'fieldIsMissing', message: 'Is mandatory', jsonPath: path });
  const invalid = (path: string, message: string) => errors.push({ errorName: 'fieldHasInvalidValue', message, jsonPath: path });
  const ref = body?.transactionReference;
  if (ref === undefined) missing('$.transactionReference');
  else if (typeof ref !== 'string' || ref.length < 1 || ref.length > 64) invalid('$.transactionReference', 'Must be between 1 and 64 characters');
  const entity = body?.merchant?.entity;
  if (entity === undefined) missing('$.merchant.entity');
  else if (typeof entity !== 'string' || entity.length < 1 || entity.length > 32) invalid('$.merchant.entity', 'Must be between 1 and 32 characters');
  const line1 = body?.instruction?.narrative?.line1;
  if (line1 === undefined) missing('$.instruction.narrative.line1');
  else if (typeof line1 !== 'string' || line1.length > 24) invalid('$.instruction.narrative.line1', 'Must be at most 24 characters');
  const value = body?.instruction?.value;
  const limit = lookup(WORLDPAY_LIMITS, value?.currency);
  if (value?.currency === undefined) missing('$.instruction.value.currency');
  else if (!limit) invalid('$.instruction.value.currency', 'Currency not supported for alipay_hk');
  if (value?.amount === undefined) missing('$.instruction.value.amount');
  else if (!isIntegerIn(value.amount, limit?.min ?? 1, limit?.max ?? Number.MAX_SAFE_INTEGER)) invalid('$.instruction.value.amount', 'Amount out of range');
  const instrument = body?.instruction?.paymentInstrument;
  if (instrument?.type !== 'alipay_hk') invalid('$.instruction.paymentInstrument.type', 'Must be alipay_hk');
  for (const field of ['successURL', 'pendingURL', 'failureURL']) {
    if (instrument?.[field] === undefined) missing(`$.instruction.paymentInstrument.${field}`);
    else if (!isHttpUrl(instrument[field])) invalid(`$.instruction.paymentInstrument.${field}`, 'Must be a valid URL');
  }
  if (instrument?.deviceType !== undefined && !['DESKTOP', 'MOBILE', 'CONSOLE', 'TABLET'].includes(instrument.deviceType)) {
    invalid('$.instruction.paymentInstrument.deviceType', 'Must be DESKTOP, MOBILE, CONSOLE or TABLET');
  }
  return errors;
}

function render(payment: SandboxPayment, context: SandboxContext) {
  const lastEvent = payment.outcome ? STATUS_OF[payment.outcome] : 'pending';
  return {
    paymentId: payment.id,
    lastEvent,
    _links: { self: { href: `${context.url}/apmPayments/${payment.id}` } },
    _actions: {},
    ...(lastEvent === 'pending' ? { url: `${context.url}/wallet/${payment.id}` } : {}),
  };
}

export const worldpayDialect: SandboxDialect = {
  factory: 'worldpay',
  defaultCredentials: { username: 'wp_sandbox_user', password: 'wp_sandbox_password', webhookKeyId: 'key-1', webhookKey: 'wp_whsec_alipayhk_checkout_sandbox' },
  adapterOptions: ({ credentials }) => ({
    username: credentials.username,
    password: credentials.password,
    narrative: 'Demo Tea House',
    webhookKeys: { [credentials.webhookKeyId!]: credentials.webhookKey },
  }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/apmPayments\/([\w-]+)$/);
    const isCreate = path === '/apmPayments' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET')) return false;
    const [user, password] = basicCredentials(req.headers.authorization) ?? [];
    if (user !== context.credentials.username || password !== context.credentials.password) {
      sendJson(res, 401, { errorName: 'accessDenied', message: 'Access to the requested resource has been denied' });
      return true;
    }
    if (req.headers['wp-api-version'] !== '2023-06-01') {
      sendJson(res, 400, { errorName: 'headerHasInvalidValue', message: 'WP-Api-Version must be 2023-06-01', headerName: 'WP-Api-Version' });
      return true;
    }
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) sendJson(res, 404, { errorName: 'resourceNotFound', message: 'Resource not found' });
      else sendJson(res, 200, render(payment, context));
      return true;
    }
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { errorName: 'bodyIsNotJson', message: 'The body within the request is not valid json' });
      return true;
    }
    const validationErrors = worldpayRequestErrors(body);
    if (validationErrors.length > 0) {
      sendJson(res, 400, { errorName: 'bodyDoesNotMatchSchema', message: 'The json body provided does not match the expected schema', validationErrors });
      return true;
    }
    // Worldpay's payment ids are long opaque tokens.
    const id = randomBytes(48).toString('base64url');
    const instrument = body.instruction.paymentInstrument;
    const payment = context.newPayment(
      {
        amount: { value: body.instruction.value.amount, currency: body.instruction.value.currency },
        reference: body.transactionReference,
        returnTo: { approve: instrument.successURL, decline: instrument.failureURL, expire: instrument.failureURL },
        request: body,
      },
      id,
    );
    sendJson(res, 201, render(payment, context));
    return true;
  },

  async webhook(payment, context) {
    const body = JSON.stringify({
      eventId: randomId('').slice(0, 26),
      eventTimestamp: new Date().toISOString(),
      eventDetails: { classification: 'apm', transactionReference: payment.reference, type: STATUS_OF[payment.outcome!] },
    });
    const { webhookKeyId, webhookKey } = context.credentials;
    return { headers: { 'Event-Signature': `${webhookKeyId}/SHA256/${hmacSha256Hex(webhookKey!, body)}` }, body };
  },
};
