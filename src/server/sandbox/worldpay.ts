// Worldpay Access's APM API (2024-07-01) as the sandbox speaks it, written from Worldpay's
// reference and OpenAPI file (not from the adapter): POST /apmPayments with Basic auth,
// `WP-Api-Version: 2024-07-01` and `Content-Type: application/json`, the AlipayHK request's
// required fields, lengths and patterns, 400 bodyDoesNotMatchSchema with validationErrors and their
// JSON paths, 400 transactionReferenceIsADuplicate, 401 unauthorized, 201 with paymentId /
// lastEvent / redirect; GET /apmPayments/{paymentId}; events signed `{keyId}/SHA256/{hmac}`, sent
// with a retired key's signature beside the current one, as during a key rotation.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { basicCredentials, isHttpUrl, isIntegerIn, refundedOf } from './validate.js';

/** What the shopper's choice in the wallet becomes: `requestExpired` is an APM request left unpaid. */
const STATUS_OF = { approve: 'sentForSettlement', decline: 'refused', expire: 'requestExpired' } as const;
/** AlipayHK's currencies on Worldpay, and its HKD 50,000 cap. */
const CURRENCIES = ['EUR', 'HKD', 'GBP', 'SGD'];
const REFERENCE = /^[a-zA-Z0-9\-_/!@#$%()*=.:;?[\]{}~+]*$/;

type ValidationError = { errorName: string; message: string; jsonPath: string };

export function worldpayRequestErrors(body: any): ValidationError[] {
  const errors: ValidationError[] = [];
  const missing = (path: string) => errors.push({ errorName: 'fieldIsMissing', message: 'Field is mandatory', jsonPath: path });
  const invalid = (path: string, message: string) => errors.push({ errorName: 'fieldHasInvalidValue', message, jsonPath: path });
  const text = (path: string, value: unknown, min: number, max: number, pattern?: RegExp) => {
    if (value === undefined) missing(path);
    else if (typeof value !== 'string' || value.length < min || value.length > max || (pattern && !pattern.test(value))) {
      invalid(path, `Must be ${min} to ${max} characters${pattern ? ` matching ${pattern.source}` : ''}`);
    }
  };
  text('$.transactionReference', body?.transactionReference, 1, 64, REFERENCE);
  if (body?.orderReference !== undefined) text('$.orderReference', body.orderReference, 1, 64, REFERENCE);
  text('$.merchant.entity', body?.merchant?.entity, 3, 32, /^[a-zA-Z0-9\- ]*$/);
  const instruction = body?.instruction;
  if (instruction?.method !== 'alipay_hk') invalid('$.instruction.method', 'Must be alipay_hk');
  text('$.instruction.narrative.line1', instruction?.narrative?.line1, 1, 24, /^[a-zA-Z0-9\-., ]*$/);
  const value = instruction?.value;
  if (value?.currency === undefined) missing('$.instruction.value.currency');
  else if (!CURRENCIES.includes(value.currency)) invalid('$.instruction.value.currency', 'Currency not supported for alipay_hk');
  if (value?.amount === undefined) missing('$.instruction.value.amount');
  else if (!isIntegerIn(value.amount, 1, value.currency === 'HKD' ? 5_000_000 : 2_147_483_647)) invalid('$.instruction.value.amount', 'Amount out of range');
  const instrument = instruction?.paymentInstrument;
  if (instrument?.type === undefined) missing('$.instruction.paymentInstrument.type');
  else if (instrument.type !== 'direct') invalid('$.instruction.paymentInstrument.type', 'Must be direct (checkout needs a sessionHref)');
  for (const outcome of ['success', 'pending', 'failure']) {
    const url = instruction?.resultUrls?.[outcome];
    if (url === undefined) missing(`$.instruction.resultUrls.${outcome}`);
    else if (!isHttpUrl(url)) invalid(`$.instruction.resultUrls.${outcome}`, 'Must be a valid URL');
  }
  const device = instruction?.deviceData;
  if (device?.device !== undefined && !['desktop', 'mobile'].includes(device.device)) invalid('$.instruction.deviceData.device', 'Must be desktop or mobile');
  if (device?.operatingSystem !== undefined && !['android', 'osx', 'windows', 'ios', 'linux', 'other'].includes(device.operatingSystem)) {
    invalid('$.instruction.deviceData.operatingSystem', 'Must be android, osx, windows, ios, linux or other');
  }
  return errors;
}

function render(payment: SandboxPayment, context: SandboxContext) {
  const paid = payment.outcome === 'approve';
  const left = payment.amount.value - refundedOf(payment);
  const self = `${context.url}/apmPayments/${payment.id}`;
  return {
    paymentId: payment.id,
    lastEvent: payment.refunds?.length ? 'sentForRefund' : payment.outcome ? STATUS_OF[payment.outcome] : 'pending',
    _links: { self: { href: self } },
    // A paid payment offers its reversals (refunds) while money is left.
    _actions: paid && left > 0 ? { reverse: { href: `${self}/reversals`, method: 'POST' }, partialReverse: { href: `${self}/partialReversals`, method: 'POST' } } : {},
  };
}

/** POST …/reversals (all that is left) and …/partialReversals (part of it): 202, sentForRefund. */
function reverse(res: ServerResponse, payment: SandboxPayment | undefined, partial: boolean, raw: Buffer, context: SandboxContext): true {
  if (!payment) {
    sendJson(res, 404, { errorName: 'paymentNotFound', message: 'Payment not found' });
    return true;
  }
  let body: any = {};
  try {
    body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    sendJson(res, 400, { errorName: 'bodyIsNotJson', message: 'The body within the request is not valid json' });
    return true;
  }
  const left = payment.amount.value - refundedOf(payment);
  const errors: ValidationError[] = [];
  const amount = body?.value?.amount ?? (partial ? undefined : left);
  if (partial && body?.value === undefined) errors.push({ errorName: 'fieldIsMissing', message: 'Field is mandatory', jsonPath: '$.value' });
  else if (!isIntegerIn(amount, 1, left) || (body?.value !== undefined && body.value.currency !== payment.amount.currency)) {
    errors.push({ errorName: 'fieldHasInvalidValue', message: `Must be 1 to ${left} ${payment.amount.currency}`, jsonPath: '$.value' });
  }
  if (body?.reference !== undefined && (typeof body.reference !== 'string' || !/^[a-zA-Z0-9-]{1,128}$/.test(body.reference))) {
    errors.push({ errorName: 'fieldHasInvalidValue', message: 'Must be 1 to 128 of a-z A-Z 0-9 -', jsonPath: '$.reference' });
  }
  if (errors.length > 0) {
    sendJson(res, 400, { errorName: 'bodyDoesNotMatchSchema', message: 'The json body provided does not match the expected schema', validationErrors: errors });
    return true;
  }
  if (payment.outcome !== 'approve') {
    sendJson(res, 404, { errorName: 'actionNotFound', message: 'The payment offers no reversal' });
    return true;
  }
  payment.refunds = [...(payment.refunds ?? []), amount];
  sendJson(res, 202, { ...render(payment, context), commandId: randomId('cmd') });
  return true;
}

const hmac = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');

export const worldpayDialect: SandboxDialect = {
  factory: 'worldpay',
  defaultCredentials: {
    username: 'wp_sandbox_user',
    password: 'wp_sandbox_password',
    webhookKeyId: 'key-2',
    webhookKey: 'wp_whsec_alipayhk_checkout_sandbox',
    retiredKeyId: 'key-1',
    retiredKey: 'wp_whsec_retired_alipayhk_sandbox',
  },
  adapterOptions: ({ credentials }) => ({
    username: credentials.username,
    password: credentials.password,
    narrative: 'Demo Tea House',
    webhookKeys: { [credentials.webhookKeyId!]: credentials.webhookKey },
    mode: 'test',
  }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/apmPayments\/([\w-]+)$/);
    const reversal = path.match(/^\/apmPayments\/([\w-]+)\/(reversals|partialReversals)$/);
    const isCreate = path === '/apmPayments' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET') && !(reversal && req.method === 'POST')) return false;
    const [user, password] = basicCredentials(req.headers.authorization) ?? [];
    if (user !== context.credentials.username || password !== context.credentials.password) {
      sendJson(res, 401, { errorName: 'unauthorized', message: 'Invalid authentication' });
      return true;
    }
    // The full reversal takes WP-Api-Version as optional; every other call needs it.
    if (reversal?.[2] === 'reversals' && req.headers['wp-api-version'] === undefined) return reverse(res, context.payments.get(reversal[1]!), false, raw, context);
    if (req.headers['wp-api-version'] !== '2024-07-01') {
      sendJson(res, 400, { errorName: 'headerHasInvalidValue', message: 'WP-Api-Version must be 2024-07-01', headerName: 'WP-Api-Version' });
      return true;
    }
    if (reversal) return reverse(res, context.payments.get(reversal[1]!), reversal[2] === 'partialReversals', raw, context);
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) sendJson(res, 404, { errorName: 'paymentNotFound', message: 'Payment not found' });
      else sendJson(res, 200, render(payment, context));
      return true;
    }
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { errorName: 'headerHasInvalidValue', message: 'Content-Type must be application/json', headerName: 'Content-Type' });
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
    if ([...context.payments.values()].some((p) => p.reference === body.transactionReference)) {
      sendJson(res, 400, { errorName: 'transactionReferenceIsADuplicate', message: 'The transaction reference is a duplicate' });
      return true;
    }
    // Worldpay's payment ids are long opaque tokens.
    const id = randomBytes(48).toString('base64url');
    const urls = body.instruction.resultUrls;
    const payment = context.newPayment(
      {
        amount: { value: body.instruction.value.amount, currency: body.instruction.value.currency },
        reference: body.transactionReference,
        returnTo: { approve: urls.success, decline: urls.failure, expire: urls.cancel ?? urls.failure },
        showsQr: body.instruction.deviceData?.device !== 'mobile',
        request: body,
      },
      id,
    );
    sendJson(res, 201, {
      ...render(payment, context),
      redirect: `${context.url}/wallet/${payment.id}`,
      paymentInstrument: { method: 'alipay_hk', type: 'direct' },
      commandId: randomId('cmd'),
    });
    return true;
  },

  async webhook(payment, context) {
    const type = STATUS_OF[payment.outcome!];
    const body = JSON.stringify({
      eventId: randomId('').slice(0, 26),
      eventTimestamp: new Date().toISOString(),
      eventDetails: {
        classification: 'payment',
        transactionReference: payment.reference,
        type,
        date: new Date().toISOString().slice(0, 10),
        // `refused` and `error` events carry no amount.
        ...(type === 'refused' ? {} : { amount: { value: payment.amount.value, currencyCode: payment.amount.currency } }),
      },
    });
    const { webhookKeyId, webhookKey, retiredKeyId, retiredKey } = context.credentials;
    const signatures = [`${retiredKeyId}/SHA256/${hmac(retiredKey!, body)}`, `${webhookKeyId}/SHA256/${hmac(webhookKey!, body)}`];
    return { headers: { 'Content-Type': 'application/vnd.worldpay.events-v1.hal+json', 'Event-Signature': signatures.join(',') }, body };
  },
};
