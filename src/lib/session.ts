// The session comes from the merchant's server, but the element treats it as untrusted input:
// nothing of it is rendered or navigated to before every rule of SPEC §3 has been checked.
import type { Flow } from './environment.js';
import { FieldError } from './errors.js';
import { isKnownCurrency } from './money.js';
import { parseSafeUrl } from './url.js';
import { PAYMENT_STATUSES, type PaymentStatus } from './status.js';

export interface Money {
  /** Integer amount in the currency's minor units (cents for HKD). */
  value: number;
  /** ISO 4217 code, upper case. */
  currency: string;
}

export interface CheckoutSession {
  id: string;
  amount: Money;
  /** Absolute after parsing. */
  statusUrl: string;
  qrCode?: string;
  /** Absolute after parsing. */
  redirectUrl?: string;
  expiresAt?: string;
  flow?: Flow;
  status?: PaymentStatus;
  merchantName?: string;
  reference?: string;
  /** `'sse'`: `statusUrl` also answers as Server-Sent Events. */
  push?: 'sse';
  /** Absolute after parsing: POST it to make the pending payment unpayable. */
  cancelUrl?: string;
}

/** What a QR at error correction Q (the Alipay+ standard) holds at most, in bytes. */
const MAX_QR_CONTENT = 1663;
const MAX_TEXT = 256;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
// Content with one of these schemes is never encoded or linked, even as a QR.
const FORBIDDEN_QR_SCHEME = /^\s*(javascript|data|vbscript|blob|file):/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(json: Record<string, unknown>, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    throw new FieldError(field, `must be a string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

/**
 * Validates a session from the merchant's server (SPEC §3) and returns a clean copy with
 * `statusUrl` and `redirectUrl` made absolute against `baseUrl` (the page's `document.baseURI`).
 * @throws {FieldError} (a `TypeError`) whose message and `field` name the first broken rule.
 */
export function parseSession(json: unknown, baseUrl: string | undefined = globalThis.document?.baseURI): CheckoutSession {
  if (!isRecord(json)) throw new FieldError('session', 'must be a JSON object');

  const { id } = json;
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) {
    throw new FieldError('id', 'must be a string of 1 to 128 characters');
  }

  const { amount } = json;
  if (!isRecord(amount)) throw new FieldError('amount', 'must be an object { value, currency }');
  if (typeof amount.value !== 'number' || !Number.isSafeInteger(amount.value) || amount.value <= 0) {
    throw new FieldError('amount.value', 'must be a positive integer in minor units');
  }
  if (typeof amount.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency) || !isKnownCurrency(amount.currency)) {
    throw new FieldError('amount.currency', `must be an ISO 4217 currency code, got ${JSON.stringify(amount.currency)}`);
  }

  const session: CheckoutSession = {
    id,
    amount: { value: amount.value, currency: amount.currency },
    statusUrl: parseSafeUrl(json.statusUrl, baseUrl, 'statusUrl'),
  };

  if (json.qrCode !== undefined && json.qrCode !== null) {
    const { qrCode } = json;
    if (typeof qrCode !== 'string' || qrCode.length < 1 || qrCode.length > MAX_QR_CONTENT) {
      throw new FieldError('qrCode', `must be a string of 1 to ${MAX_QR_CONTENT} characters`);
    }
    if (FORBIDDEN_QR_SCHEME.test(qrCode)) throw new FieldError('qrCode', 'must not be a javascript:, data:, blob: or file: URL');
    session.qrCode = qrCode;
  }
  if (json.redirectUrl !== undefined && json.redirectUrl !== null) {
    session.redirectUrl = parseSafeUrl(json.redirectUrl, baseUrl, 'redirectUrl');
  }
  if (json.cancelUrl !== undefined && json.cancelUrl !== null) {
    session.cancelUrl = parseSafeUrl(json.cancelUrl, baseUrl, 'cancelUrl');
  }
  if (session.qrCode === undefined && session.redirectUrl === undefined) {
    throw new FieldError('qrCode', 'or redirectUrl is required');
  }

  if (json.expiresAt !== undefined && json.expiresAt !== null) {
    const { expiresAt } = json;
    if (typeof expiresAt !== 'string' || !ISO_8601.test(expiresAt) || Number.isNaN(Date.parse(expiresAt))) {
      throw new FieldError('expiresAt', 'must be an ISO 8601 date-time with a time zone');
    }
    session.expiresAt = expiresAt;
  }
  if (json.flow !== undefined && json.flow !== null) {
    if (json.flow !== 'qr' && json.flow !== 'redirect') throw new FieldError('flow', 'must be "qr" or "redirect"');
    session.flow = json.flow;
  }
  if (json.status !== undefined && json.status !== null) {
    if (!(PAYMENT_STATUSES as readonly unknown[]).includes(json.status)) {
      throw new FieldError('status', `must be one of ${PAYMENT_STATUSES.join(', ')}`);
    }
    session.status = json.status as PaymentStatus;
  }
  // Only 'sse' is known; another string is a newer server's offer that this version ignores.
  if (optionalText(json, 'push') === 'sse') session.push = 'sse';
  const merchantName = optionalText(json, 'merchantName');
  if (merchantName !== undefined) session.merchantName = merchantName;
  const reference = optionalText(json, 'reference');
  if (reference !== undefined) session.reference = reference;
  return session;
}
