// Worldpay Access's APM API, version 2024-07-01, the first that documents AlipayHK as available
// (developer.worldpay.com/products/apms/alipayhk, the APM changelog, and the API's OpenAPI file):
// POST /apmPayments with instruction { method: alipay_hk, value, narrative, paymentInstrument
// { type: direct }, resultUrls, deviceData }; the shopper goes to `redirect`; GET
// /apmPayments/{paymentId} for `lastEvent`. Webhooks carry `Event-Signature: {keyId}/SHA256/{hmac}`,
// several of them comma-separated while keys rotate, and name the payment by transactionReference
// (docs.worldpay.com/access/products/events/signature).
import type { Environment, PaymentStatus } from '../types.js';
import {
  basicAuth,
  callJson,
  checkAmount,
  deviceOs,
  hmacSha256Hex,
  isPageUrl,
  lookup,
  requireSecret,
  requireText,
  safeEqual,
  signaturesOf,
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

export interface WorldpayOptions extends ProviderConnectionOptions {
  username: string;
  password: string;
  /** `merchant.entity`, 3 to 32 characters (default "default"). */
  entity?: string;
  /** `instruction.narrative.line1`: the shop's name on the statement, 1 to 24 of A–Z a–z 0–9 - . , and space. */
  narrative: string;
  /** Webhook keys by key id (`Event-Signature: {keyId}/SHA256/{hmac}`): during a rotation, the old and the new. */
  webhookKeys: Record<string, string>;
  /** `'live'` (access.worldpay.com, the default) or `'test'` (try.access.worldpay.com); `baseUrl` overrides both. */
  mode?: 'live' | 'test';
}

export const WORLDPAY_API_VERSION = '2024-07-01';
const HOSTS = { live: 'https://access.worldpay.com', test: 'https://try.access.worldpay.com' };

/** AlipayHK on Worldpay: EUR, HKD, GBP, SGD; at most HKD 50,000 (the others' caps are not documented). */
export const WORLDPAY_LIMITS: Record<string, AmountLimit> = {
  HKD: { min: 1, max: 5_000_000 },
  EUR: { min: 1, max: Number.MAX_SAFE_INTEGER },
  GBP: { min: 1, max: Number.MAX_SAFE_INTEGER },
  SGD: { min: 1, max: Number.MAX_SAFE_INTEGER },
};

/**
 * Every `lastEvent` of the APM API (ApmPaymentResourceQuery, 33 values, `disputInformationSupplied`
 * spelled as Worldpay spells it). Events that only follow a payment that went through (refunds,
 * settlement, disputes) are success for the checkout; a failed settlement never marks an order paid.
 */
export const WORLDPAY_STATUSES: Record<string, PaymentStatus> = {
  pending: 'pending',
  sentForAuthorization: 'pending',
  cancelRequested: 'pending',
  cancelFailed: 'pending',
  signedFormReceived: 'pending',
  miscellaneous: 'pending',
  unknown: 'pending',
  manuallyAmended: 'pending',
  authorized: 'succeeded',
  sentForSettlement: 'succeeded',
  settled: 'succeeded',
  sentForRefund: 'succeeded',
  refunded: 'succeeded',
  refundFailed: 'succeeded',
  refundExpired: 'succeeded',
  refundReversed: 'succeeded',
  settlementReversed: 'succeeded',
  chargedBack: 'succeeded',
  chargebackReversed: 'succeeded',
  disputeExpired: 'succeeded',
  disputeFundsHeld: 'succeeded',
  disputeFundsReleased: 'succeeded',
  disputeReserveReleased: 'succeeded',
  disputeInformationRequested: 'succeeded',
  disputInformationSupplied: 'succeeded',
  settlementFailed: 'failed',
  refused: 'failed',
  refusedByIssuer: 'failed',
  error: 'failed',
  expired: 'expired',
  requestExpired: 'expired',
  cancelled: 'cancelled',
  cancelledByCustomer: 'cancelled',
};

/** Events about the payment itself, whose amount is the payment's (not a refund's or a dispute's). */
const PAYMENT_OUTCOME_EVENTS = new Set([
  'sentForAuthorization',
  'authorized',
  'sentForSettlement',
  'settled',
  'settlementFailed',
  'refused',
  'error',
  'expired',
  'requestExpired',
  'cancelled',
  'cancelledByCustomer',
]);

/** `instruction.deviceData`: Worldpay knows desktop and mobile (a tablet is mobile), and six OS names. */
export function worldpayDeviceData(environment: Environment, userAgent?: string): { device: 'desktop' | 'mobile'; operatingSystem: string } {
  const os = { IOS: 'ios', ANDROID: 'android', WINDOWS: 'windows', MACOS: 'osx', LINUX: 'linux', CHROMEOS: 'linux', OTHER: 'other' }[deviceOs(environment, userAgent)];
  return { device: environment.deviceType === 'desktop' ? 'desktop' : 'mobile', operatingSystem: os };
}

/** Worldpay's pattern for transactionReference and orderReference (1 to 64 characters). */
const REFERENCE = /^[a-zA-Z0-9\-_/!@#$%()*=.:;?[\]{}~+]{1,64}$/;

/** The webhook keys by key id, checked when the adapter is made: each one a real secret. */
function webhookKeysOf(keys: unknown): Readonly<Record<string, string>> {
  if (typeof keys !== 'object' || keys === null || Object.keys(keys).length === 0) {
    throw new TypeError('worldpay: options.webhookKeys is required: { keyId: secret } with at least one key');
  }
  const copy: Record<string, string> = Object.create(null);
  for (const [keyId, secret] of Object.entries(keys)) {
    if (keyId === '' || /[,/]/.test(keyId)) throw new TypeError(`worldpay: options.webhookKeys has a key id that cannot appear in Event-Signature: ${JSON.stringify(keyId)}`);
    const name = `webhookKeys.${keyId}`;
    copy[keyId] = requireSecret('worldpay', { [name]: secret }, name);
  }
  return copy;
}

export function worldpay(options: WorldpayOptions): PaymentProvider {
  const headers = {
    Authorization: basicAuth(requireText('worldpay', options, 'username'), requireSecret('worldpay', options, 'password', 8)),
    'WP-Api-Version': WORLDPAY_API_VERSION,
  };
  if (typeof options.narrative !== 'string' || !/^[a-zA-Z0-9\-., ]{1,24}$/.test(options.narrative)) {
    throw new TypeError('worldpay: options.narrative must be 1 to 24 of A-Z a-z 0-9 - . , and space');
  }
  const entity = options.entity ?? 'default';
  if (!/^[a-zA-Z0-9\- ]{3,32}$/.test(entity)) throw new TypeError('worldpay: options.entity must be 3 to 32 of A-Z a-z 0-9 - and space');
  if (options.mode !== undefined && options.mode !== 'live' && options.mode !== 'test') throw new TypeError("worldpay: options.mode must be 'live' or 'test'");
  const webhookKeys = webhookKeysOf(options.webhookKeys);
  const baseUrl = (options.baseUrl ?? HOSTS[options.mode ?? 'live']).replace(/\/$/, '');
  const logger = options.logger ?? console;

  const mapStatus = statusMapper('worldpay', WORLDPAY_STATUSES, logger);

  function state(paymentId: string, lastEvent: string): ProviderPaymentState {
    const status = mapStatus(lastEvent);
    return { paymentId, providerStatus: lastEvent, status, ...(status === 'failed' ? { failureCode: lastEvent } : {}) };
  }

  /** True when one of the comma-separated signatures (a few at most) is a known key's HMAC of the raw body. */
  function signed(header: string | string[] | undefined, rawBody: Buffer): boolean {
    return (signaturesOf(header) ?? []).some((signature) => {
      const match = signature.match(/^([^/]+)\/SHA256\/([0-9a-fA-F]{64})$/);
      const key = match ? lookup(webhookKeys, match[1]) : undefined;
      return key !== undefined && safeEqual(hmacSha256Hex(key, rawBody), match![2]!.toLowerCase());
    });
  }

  return {
    name: 'worldpay',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('Worldpay', input.amount, WORLDPAY_LIMITS);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/apmPayments`,
        headers,
        // No retry: the API documents no idempotency key; the transactionReference is ours, unique per
        // session, and a second one is refused as transactionReferenceIsADuplicate.
        body: {
          transactionReference: input.sessionId,
          ...(REFERENCE.test(input.reference) ? { orderReference: input.reference } : {}),
          merchant: { entity },
          instruction: {
            method: 'alipay_hk',
            value: { amount: input.amount.value, currency: input.amount.currency },
            narrative: { line1: options.narrative },
            paymentInstrument: { type: 'direct' },
            resultUrls: { success: input.returnUrl, pending: input.returnUrl, failure: input.returnUrl, cancel: input.returnUrl },
            deviceData: worldpayDeviceData(input.environment, input.userAgent),
          },
        },
      });
      if (status !== 201 || typeof body?.paymentId !== 'string') throw new ProviderError(`worldpay: create payment answered HTTP ${status}`, status, body);
      const { paymentId, lastEvent, redirect } = body;
      // `redirect` is Worldpay's page, which shows the QR on a desktop. The API also allows a QR
      // image there (Base64) for other methods: not a page, and not QR content to draw again.
      if (!isPageUrl(redirect)) {
        throw new ProviderError('worldpay: create payment answered without a page to send the shopper to', status, body);
      }
      return {
        ...state(paymentId, String(lastEvent ?? 'pending')),
        // Unique per session: Worldpay's answers state no amount, so this reference, which only
        // this session ever sent, is what binds its events to it.
        providerReference: input.sessionId,
        eventKey: input.sessionId,
        redirectUrl: redirect,
      };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await callJson({ method: 'GET', url: `${baseUrl}/apmPayments/${encodeURIComponent(paymentId)}`, headers, retries: 1, timeoutMs: options.timeoutMs });
      if (status !== 200 || typeof body?.lastEvent !== 'string') throw new ProviderError(`worldpay: query answered HTTP ${status}`, status, body);
      return state(paymentId, body.lastEvent);
    },

    async refundPayment(input: RefundInput): Promise<ProviderRefund> {
      // A "reversal" (the OpenAPI file): /reversals for all of it, /partialReversals for part,
      // with a reference of letters, digits and "-"; 202 and lastEvent sentForRefund.
      const partial = input.amount.value < input.payment.amount.value;
      const reference = input.idempotencyKey.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 128);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/apmPayments/${encodeURIComponent(input.paymentId)}/${partial ? 'partialReversals' : 'reversals'}`,
        headers,
        // No retry: reversals document no idempotency.
        body: { value: { amount: input.amount.value, currency: input.amount.currency }, reference },
      });
      if (status !== 202 && status !== 201 && status !== 200) throw new ProviderError(`worldpay: reversal answered HTTP ${status}`, status, body);
      return { refundId: typeof body?.commandId === 'string' ? body.commandId : reference };
    },

    async cancelPayment(): Promise<'unsupported'> {
      // AlipayHK on Worldpay: "Cancel - No"; a pending payment ends as requestExpired on its own.
      return 'unsupported';
    },

    async parseWebhook(rawBody, requestHeaders): Promise<ProviderWebhookEvent | undefined> {
      if (!signed(requestHeaders['event-signature'], rawBody)) throw new WebhookVerificationError('worldpay: no Event-Signature matches a known key');
      const event = webhookJson('worldpay', rawBody);
      const details = event?.eventDetails;
      if (typeof event?.eventId !== 'string' || typeof details?.transactionReference !== 'string' || typeof details?.type !== 'string') return undefined;
      if (lookup(WORLDPAY_STATUSES, details.type) === undefined) return undefined; // tokens, top-ups and the like
      // The event's amount is `{ value, currencyCode }` (`error` and `refused` carry none). Only an
      // event about the payment itself states the payment's amount: a refund's or a dispute's is
      // their own, and says nothing against the order.
      const amount = PAYMENT_OUTCOME_EVENTS.has(details.type) ? details.amount : undefined;
      return {
        ...state('', details.type),
        eventId: event.eventId,
        eventKey: details.transactionReference,
        ...statedPayment(amount?.value, amount?.currencyCode, details.transactionReference),
      };
    },
  };
}
