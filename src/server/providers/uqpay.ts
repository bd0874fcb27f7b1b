// UQPAY's acquiring API ("UPAS", acquiring-devdoc.uqpay.com; seed 003_e2e91605b341fffd.txt) for
// ALIPAY_HK, as far as its public reference goes:
// - hosts acgateway.uqpay.com (live) and acgateway.sandbox.uqpay.tech (sandbox);
// - request headers clientId, signType, signId, sign, requestId (unique per request);
// - signType SHA: drop empty fields, sort by key in ASCII order, join as key=value&key=value, a
//   nested object becomes |k=v&k=v| as its parent key's value, append key=<transaction key>, hash;
// - PAY with paymentMethod ALIPAY_HK, product CASHIER_PAYMENT, goods.description, riskData.Device.os,
//   an optional expireAt under 72 h; the answer's payAction is QRCODE (QR content: draw it) or
//   REDIRECT; DETAIL for data.status (success, fail, processing, closed);
// - notifications are JSON POSTs checked with the notification key and answered {"code":"000000"}.
// The reference leaves out the paths, the hash and its hex case, whether "&" precedes key=, the
// common PAY fields and the amount format: each is an option here, with the default the README
// names as assumed, so that a merchant can set what UQPAY tells them.
import { createHash, randomUUID } from 'node:crypto';
import type { Environment, PaymentStatus } from '../types.js';
import {
  callJson,
  checkAmount,
  deviceOs,
  failureFields,
  header,
  requireSecret,
  requireText,
  safeEqual,
  statedPayment,
  statusMapper,
  webhookJson,
  type AmountLimit,
} from './shared.js';
import {
  ProviderError,
  WebhookVerificationError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderRefund,
  type ProviderWebhookEvent,
  type RefundInput,
} from './types.js';

/** How a SHA signature is made where UQPAY's reference stops (all assumed; ask UQPAY). */
export interface UqpaySigning {
  /** The hash of the signing string (default 'sha256'). */
  hash?: 'sha256' | 'sha512' | 'sha1' | 'md5';
  /** Hex digits of the signature (default 'lower'). */
  hexCase?: 'lower' | 'upper';
  /** What joins the fields and `key=<sign key>` (default '&'). */
  saltJoiner?: '&' | '';
}

export interface UqpayOptions extends ProviderConnectionOptions {
  /** `clientId`: the merchant id the keys belong to. */
  clientId: string;
  /** `signId`: the id UQPAY assigned with the transaction key. */
  signId: string;
  /** The master merchant's transaction key, which signs requests (signType SHA). */
  signKey: string;
  /** The notification key, which signs notifications. */
  notificationKey: string;
  /** The merchant backend's webhook route, sent as notifyUrl. */
  notifyUrl: string;
  /**
   * The unit of `amount`: 'minor' (12345 is HKD 123.45) or 'major' (123.45). UQPAY's appendix
   * "Currency & Amount" was not readable: ask UQPAY, then set it. Required.
   */
  amountUnit: 'minor' | 'major';
  /** `'live'` (acgateway.uqpay.com, the default) or `'sandbox'` (acgateway.sandbox.uqpay.tech); `baseUrl` overrides both. */
  mode?: 'live' | 'sandbox';
  /** Paths of the operations (defaults '/pay', '/detail', '/refund', '/cancel': the reference names the operations, not their paths). */
  paths?: { pay?: string; detail?: string; refund?: string; cancel?: string };
  signing?: UqpaySigning;
  /**
   * When set, expireAt is sent this far ahead (under 72 h), in Hong Kong time (UTC+8, assumed: the
   * reference gives no time zone). Unset, UQPAY's own lifetime applies.
   */
  expiresInMs?: number;
}

const HOSTS = { live: 'https://acgateway.uqpay.com', sandbox: 'https://acgateway.sandbox.uqpay.tech' };
/** ALIPAY_HK pays in HKD; AlipayHK's own HKD 50,000 cap. */
export const UQPAY_LIMITS: Record<string, AmountLimit> = { HKD: { min: 1, max: 5_000_000 } };
const MAX_EXPIRY_MS = 72 * 60 * 60_000;
const MINOR_PER_MAJOR = 100;
/** The acknowledgement UQPAY expects for a notification. */
export const UQPAY_ACKNOWLEDGEMENT = { code: '000000' };

/** The reference's four statuses (7.2 Transaction Status). `closed` is an order that ended unpaid. */
export const UQPAY_STATUSES: Record<string, PaymentStatus> = {
  processing: 'pending',
  success: 'succeeded',
  fail: 'failed',
  closed: 'expired',
};

/** riskData.Device.os: from the environment on phones and tablets, from the user agent elsewhere. */
export function uqpayDeviceOs(environment: Environment, userAgent = ''): string {
  return deviceOs(environment, userAgent);
}

/** "yyyy-mm-dd hh:mm:ss" in Hong Kong time (UTC+8). */
export function uqpayTime(date: Date): string {
  return new Date(date.getTime() + 8 * 60 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The SHA signing string of the reference: empty fields dropped, keys in ASCII order, key=value
 * joined by &, a nested object as |k=v&k=v|.
 */
export function uqpaySigningString(fields: Record<string, unknown>): string {
  return Object.keys(fields)
    .filter((key) => !isEmpty(fields[key]))
    .sort()
    .map((key) => {
      const value = fields[key];
      return `${key}=${typeof value === 'object' ? `|${uqpaySigningString(value as Record<string, unknown>)}|` : String(value)}`;
    })
    .join('&');
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  return typeof value === 'object' && Object.values(value as object).every(isEmpty);
}

/** The signature of `fields` under `key`, made as `signing` says. */
export function uqpaySign(fields: Record<string, unknown>, key: string, signing: UqpaySigning = {}): string {
  const digest = createHash(signing.hash ?? 'sha256')
    .update(`${uqpaySigningString(fields)}${signing.saltJoiner ?? '&'}key=${key}`, 'utf8')
    .digest('hex');
  return signing.hexCase === 'upper' ? digest.toUpperCase() : digest;
}

export function uqpay(options: UqpayOptions): PaymentProvider {
  const clientId = requireText('uqpay', options, 'clientId');
  const signId = requireText('uqpay', options, 'signId');
  const signKey = requireSecret('uqpay', options, 'signKey');
  const notificationKey = requireSecret('uqpay', options, 'notificationKey');
  const notifyUrl = requireText('uqpay', options, 'notifyUrl');
  if (options.amountUnit !== 'minor' && options.amountUnit !== 'major') {
    throw new TypeError("uqpay: options.amountUnit is required: 'minor' or 'major' (ask UQPAY which unit amount is in)");
  }
  if (options.mode !== undefined && options.mode !== 'live' && options.mode !== 'sandbox') throw new TypeError("uqpay: options.mode must be 'live' or 'sandbox'");
  const signing = options.signing ?? {};
  if (signing.hash !== undefined && !['sha256', 'sha512', 'sha1', 'md5'].includes(signing.hash)) throw new TypeError('uqpay: options.signing.hash must be sha256, sha512, sha1 or md5');
  const baseUrl = (options.baseUrl ?? HOSTS[options.mode ?? 'live']).replace(/\/$/, '');
  const paths = {
    pay: options.paths?.pay ?? '/pay',
    detail: options.paths?.detail ?? '/detail',
    refund: options.paths?.refund ?? '/refund',
    cancel: options.paths?.cancel ?? '/cancel',
  };
  const lifetime = options.expiresInMs === undefined ? undefined : Math.min(options.expiresInMs, MAX_EXPIRY_MS - 60_000);
  const logger = options.logger ?? console;
  const mapStatus = statusMapper('uqpay', UQPAY_STATUSES, logger);

  const toValue = (minor: number) => (options.amountUnit === 'minor' ? minor : minor / MINOR_PER_MAJOR);
  const toMinor = (value: unknown) => {
    if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) value = Number(value);
    if (typeof value !== 'number' || options.amountUnit === 'minor') return value;
    const minor = value * MINOR_PER_MAJOR;
    return Math.abs(minor - Math.round(minor)) < 1e-6 ? Math.round(minor) : Number.NaN;
  };

  /** A signed POST of `fields` to `path`; the answer's `data` (which must state a status unless `anyData`). */
  async function call(operation: string, path: string, fields: Record<string, unknown>, retries: number, anyData = false): Promise<any> {
    const { status, body } = await callJson({
      timeoutMs: options.timeoutMs,
      method: 'POST',
      url: `${baseUrl}${path}`,
      headers: { clientId, signType: 'SHA', signId, sign: uqpaySign(fields, signKey, signing) },
      // "Request unique ID, non repeatable": a new one for each attempt, retries included.
      sign: async () => ({ requestId: randomUUID() }),
      retries,
      body: fields,
    });
    if (status !== 200 || typeof body?.data !== 'object' || body.data === null || (!anyData && typeof body.data.status !== 'string')) {
      throw new ProviderError(`uqpay: ${operation} answered HTTP ${status}${typeof body?.respMsg === 'string' ? `: ${body.respMsg.slice(0, 200)}` : ''}`, status, body);
    }
    return body.data;
  }

  function stateOf(data: any): ProviderPaymentState {
    const paymentId = data?.uqOrderId ?? data?.paymentId;
    if (typeof paymentId !== 'string' || typeof data?.status !== 'string') throw new ProviderError('uqpay: not a payment', undefined, data);
    const status = mapStatus(data.status);
    return {
      paymentId,
      providerStatus: data.status,
      status,
      ...failureFields(status, data.errorCode ?? data.respCode, data.errorMessage ?? data.respMsg),
      ...statedPayment(toMinor(data.amount), data.currency, data.merchantOrderId),
    };
  }

  return {
    name: 'uqpay',
    mapStatus,
    webhookAcknowledgement: UQPAY_ACKNOWLEDGEMENT,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('UQPAY', input.amount, UQPAY_LIMITS);
      // Whole seconds: expireAt has no finer unit, and the countdown must match what UQPAY enforces.
      const expiresAt = lifetime === undefined ? undefined : new Date(Math.floor((Date.now() + lifetime) / 1000) * 1000);
      const data = await call(
        'PAY',
        paths.pay,
        {
          merchantOrderId: input.sessionId,
          paymentMethod: 'ALIPAY_HK',
          product: 'CASHIER_PAYMENT',
          amount: toValue(input.amount.value),
          currency: input.amount.currency,
          ...(expiresAt ? { expireAt: uqpayTime(expiresAt) } : {}),
          goods: { description: (input.description ?? input.reference).slice(0, 128) },
          riskData: { Device: { os: uqpayDeviceOs(input.environment, input.userAgent) } },
          returnUrl: input.returnUrl,
          notifyUrl,
        },
        // No retry: the reference documents no idempotency (requestId is "non repeatable"), and
        // merchantOrderId is this session's, so a second PAY could only be refused or doubled.
        0,
      );
      const state = stateOf(data);
      const action = data.payAction;
      const redirect = action?.Url ?? action?.url ?? action?.redirectUrl;
      const target =
        action?.type === 'QRCODE' && typeof action.redirectUrl === 'string'
          ? { qrCode: action.redirectUrl, flow: 'qr' as const }
          : action?.type === 'REDIRECT' && typeof redirect === 'string'
            ? { redirectUrl: redirect }
            : {};
      return { ...state, providerReference: input.sessionId, ...target, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      return stateOf(await call('DETAIL', paths.detail, { uqOrderId: paymentId }, 1));
    },

    async refundPayment(input: RefundInput): Promise<ProviderRefund> {
      // REFUND (partial allowed for ALIPAY_HK); its fields are not in the reference we could read.
      const data = await call(
        'REFUND',
        paths.refund,
        { uqOrderId: input.paymentId, merchantRefundId: input.idempotencyKey, amount: toValue(input.amount.value), currency: input.amount.currency, ...(input.reason ? { reason: input.reason.slice(0, 128) } : {}) },
        0, // no documented idempotency: never sent twice by us
        true,
      );
      return { refundId: String(data.refundId ?? data.uqRefundId ?? input.idempotencyKey) };
    },

    async cancelPayment(paymentId: string): Promise<'cancelled'> {
      // CANCEL: "Only a full cancellation is allowed … before 23:59:59 within the payment date".
      await call('CANCEL', paths.cancel, { uqOrderId: paymentId }, 0, true);
      return 'cancelled';
    },

    async parseWebhook(rawBody, requestHeaders): Promise<ProviderWebhookEvent | undefined> {
      const notification = webhookJson('uqpay', rawBody);
      const fields = typeof notification === 'object' && notification !== null && !Array.isArray(notification) ? notification : {};
      const signature = header(requestHeaders, 'sign') ?? (typeof fields.sign === 'string' ? fields.sign : '');
      const { sign: _ignored, ...signed } = fields;
      if (!safeEqual(uqpaySign(signed, notificationKey, signing), signature)) throw new WebhookVerificationError('uqpay: sign does not match');
      const data = signed.data ?? signed;
      if (typeof data?.status !== 'string') return undefined;
      const state = stateOf(data);
      const eventId = typeof signed.notifyId === 'string' ? signed.notifyId : `${state.paymentId}:${state.providerStatus}`;
      return { ...state, eventId };
    },
  };
}
