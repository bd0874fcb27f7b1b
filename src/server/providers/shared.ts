// What every adapter needs: JSON over fetch with a timeout and a retry that reuses the
// provider's idempotency key, constant-time signature checks, and AlipayHK's own limits.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Environment, Money, PaymentStatus } from '../types.js';
import { ProviderError, ProviderRequestError, WebhookVerificationError, type Logger } from './types.js';

export const PROVIDER_TIMEOUT_MS = 10_000;

export interface JsonCall {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Send `body` as application/x-www-form-urlencoded (Omise) instead of JSON. */
  form?: boolean;
  /** Network errors, timeouts and 5xx are retried this many times (only where a retry cannot pay twice). */
  retries?: number;
  /** Per attempt (default PROVIDER_TIMEOUT_MS). */
  timeoutMs?: number;
  /**
   * Headers that sign the request (NomuPay), made for each attempt over the exact body text sent
   * ('' when there is none).
   */
  sign?: (bodyText: string) => Promise<Record<string, string>>;
}

export async function callJson(call: JsonCall): Promise<{ status: number; body: any }> {
  const attempts = 1 + (call.retries ?? 0);
  let lastError: unknown;
  const contentType = call.form ? 'application/x-www-form-urlencoded' : 'application/json';
  // Serialised once: a signature covers exactly these bytes.
  const bodyText =
    call.body === undefined ? undefined : call.form ? new URLSearchParams(call.body as Record<string, string>).toString() : JSON.stringify(call.body);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const signature = call.sign ? await call.sign(bodyText ?? '') : {};
      const response = await fetch(call.url, {
        method: call.method,
        headers: { Accept: 'application/json', ...(bodyText === undefined ? {} : { 'Content-Type': contentType }), ...call.headers, ...signature },
        body: bodyText,
        signal: AbortSignal.timeout(call.timeoutMs ?? PROVIDER_TIMEOUT_MS),
        redirect: 'error',
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (response.status >= 500) {
        lastError = new ProviderError(`provider answered HTTP ${response.status}`, response.status, body);
        continue;
      }
      return { status: response.status, body };
    } catch (error) {
      lastError = new ProviderError(`provider unreachable: ${(error as Error).message}`);
    }
  }
  throw lastError;
}

/** Compares two hex or text signatures without leaking where they differ. */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function hmacSha256Hex(secret: string, payload: Buffer | string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export interface AmountLimit {
  /** Inclusive, in minor units. */
  min: number;
  max: number;
}

/**
 * Checks an amount against the currencies a provider takes for AlipayHK and their limits, before
 * the provider is called, so that the merchant gets a clear error instead of the provider's.
 */
export function checkAmount(provider: string, amount: Money, limits: Record<string, AmountLimit>): void {
  checkAlipayHkLimits(amount);
  const limit = lookup(limits, amount.currency);
  if (!limit) {
    throw new ProviderRequestError(`${provider} takes AlipayHK payments in ${Object.keys(limits).join(', ')}, not ${amount.currency}`, 'amount.currency');
  }
  if (amount.value < limit.min || amount.value > limit.max) {
    throw new ProviderRequestError(
      `${provider} takes AlipayHK payments of ${limit.min} to ${limit.max} minor units of ${amount.currency}, not ${amount.value}`,
      'amount.value',
    );
  }
}

/** Basic authentication (Omise: the secret key as user name; Worldpay: user and password). */
export function basicAuth(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** AlipayHK takes 0.01 to 50,000 HKD a payment (../shared/seeds/README.md). */
export function checkAlipayHkLimits(amount: Money): void {
  if (!Number.isSafeInteger(amount.value) || amount.value < 1) {
    throw new ProviderRequestError('amount.value must be a positive integer in minor units', 'amount.value');
  }
  if (!/^[A-Z]{3}$/.test(amount.currency)) {
    throw new ProviderRequestError('amount.currency must be an ISO 4217 code', 'amount.currency');
  }
  if (amount.currency === 'HKD' && amount.value > 5_000_000) {
    throw new ProviderRequestError('AlipayHK takes at most HKD 50,000.00 a payment', 'amount.value');
  }
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A status table lookup: anything the table lacks is pending, and said in the log. */
export function statusMapper(provider: string, table: Record<string, PaymentStatus>, logger: Logger): (providerStatus: string) => PaymentStatus {
  return (providerStatus) => {
    const status = lookup(table, providerStatus);
    if (status) return status;
    logger.warn(`${provider}: unknown status ${JSON.stringify(providerStatus)}, treated as pending`);
    return 'pending';
  };
}

/** `failureCode` / `failureMessage` for a failed payment, when the provider gave strings. */
export function failureFields(status: PaymentStatus, code: unknown, message: unknown): { failureCode?: string; failureMessage?: string } {
  if (status !== 'failed') return {};
  return {
    ...(typeof code === 'string' ? { failureCode: code } : {}),
    ...(typeof message === 'string' ? { failureMessage: message } : {}),
  };
}

/** Parses a verified webhook body; one that is not JSON is treated as not genuine. */
export function webhookJson(provider: string, raw: Buffer | Uint8Array | string): any {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    throw new WebhookVerificationError(`${provider}: webhook body is not JSON`);
  }
}

/** Checks a hex HMAC-SHA256 of the raw body (Checkout.com, UQPAY) and parses it. */
export function verifyHmacJson(provider: string, raw: Buffer, secret: string, signature: string | undefined, headerName: string): any {
  if (!safeEqual(hmacSha256Hex(secret, raw), (signature ?? '').toLowerCase())) {
    throw new WebhookVerificationError(`${provider}: ${headerName} does not match`);
  }
  return webhookJson(provider, raw);
}

/**
 * A table lookup that only sees the table's own entries: `constructor`, `__proto__` and the like
 * are not statuses, key ids or currencies, whatever a request says.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Shorter than this, a webhook secret or an API key could be guessed: it is not a real one. */
const MIN_SECRET_LENGTH = 16;

/**
 * Refuses a missing, empty or too short secret when the adapter is made, not at the first
 * webhook in production: with an empty key anyone could sign webhooks.
 */
export function requireSecret(provider: string, options: object, name: string, minLength = MIN_SECRET_LENGTH): string {
  const value = (options as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value.length < minLength) {
    throw new TypeError(`${provider}: options.${name} is required: a secret of at least ${minLength} characters (got ${describe(value)})`);
  }
  return value;
}

/** Refuses a missing or empty option that is not a secret (an account id, a URL). */
export function requireText(provider: string, options: object, name: string): string {
  const value = (options as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${provider}: options.${name} is required (got ${describe(value)})`);
  return value;
}

/** What a refused option was, without ever printing a secret. */
function describe(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : `${value.length} characters`;
  return value === undefined ? 'nothing' : typeof value;
}

/**
 * An amount as a provider's answer states it, or undefined when it states none. A garbled one
 * (a string, no currency) is kept as something that equals no amount, so that it never matches.
 */
function moneyOf(value: unknown, currency: unknown): Money | undefined {
  if ((value === undefined || value === null) && (currency === undefined || currency === null)) return undefined;
  return { value: typeof value === 'number' ? value : Number.NaN, currency: typeof currency === 'string' ? currency.toUpperCase() : '' };
}

/** The reference an answer states, or undefined when it states none; a non-string one never matches. */
function referenceOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : `[${typeof value}]`;
}

/** The amount and reference an answer states, as fields of a `ProviderPaymentState` (none it does not state). */
export function statedPayment(value: unknown, currency: unknown, reference: unknown): { amount?: Money; reference?: string } {
  const amount = moneyOf(value, currency);
  const stated = referenceOf(reference);
  return { ...(amount ? { amount } : {}), ...(stated !== undefined ? { reference: stated } : {}) };
}

/** The shopper's OS: the environment's on phones and tablets, read from the user agent elsewhere. */
export function deviceOs(environment: Environment, userAgent = ''): 'IOS' | 'ANDROID' | 'WINDOWS' | 'MACOS' | 'CHROMEOS' | 'LINUX' | 'OTHER' {
  if (environment.osType) return environment.osType;
  if (/Windows/.test(userAgent)) return 'WINDOWS';
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'MACOS';
  if (/CrOS/.test(userAgent)) return 'CHROMEOS';
  if (/Linux|X11/.test(userAgent)) return 'LINUX';
  return 'OTHER';
}

/** A page the shopper's browser may be sent to: https, or http on this machine (a sandbox). */
export function isPageUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

/**
 * How many signatures a webhook header may carry: two during a key rotation, a few to spare. More
 * is refused before any is checked, so that a stranger cannot make us hash a large body many times.
 */
export const MAX_SIGNATURES = 4;

/** The comma-separated signatures of a header (or of several headers of one name), at most MAX_SIGNATURES. */
export function signaturesOf(value: string | string[] | undefined): string[] | undefined {
  const signatures = [value ?? []].flat().join(',').split(',').map((signature) => signature.trim()).filter(Boolean);
  return signatures.length <= MAX_SIGNATURES ? signatures : undefined;
}
