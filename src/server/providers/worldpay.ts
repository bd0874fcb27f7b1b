// Worldpay Access APM API 2023-06-01, seed 004_0608879054425303.txt: POST /apmPayments with
// instruction.paymentInstrument { type alipay_hk, success/pending/failureURL, deviceType }, the
// shopper goes to `url`; GET /apmPayments/{paymentId} (the `_links.self.href`) for `lastEvent`.
// Webhooks carry `Event-Signature: {keyId}/SHA256/{hmac}` and name the transactionReference.
import type { Environment, PaymentStatus } from '../types.js';
import { basicAuth, callJson, checkAmount, header, hmacSha256Hex, lookup, requireSecret, requireText, safeEqual, statusMapper, webhookJson, type AmountLimit } from './shared.js';
import {
  ProviderError,
  WebhookVerificationError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderWebhookEvent,
} from './types.js';

export interface WorldpayOptions extends ProviderConnectionOptions {
  username: string;
  password: string;
  /** `merchant.entity` (default "default"). */
  entity?: string;
  /** `instruction.narrative.line1`: the shop's name on the statement, at most 24 characters. */
  narrative: string;
  /** Webhook keys by key id (`Event-Signature: {keyId}/SHA256/{hmac}`). */
  webhookKeys: Record<string, string>;
}

const API_VERSION = '2023-06-01';

/** Seed: EUR, HKD, GBP, SGD; at most HKD 50,000 (the other currencies' caps are not documented). */
export const WORLDPAY_LIMITS: Record<string, AmountLimit> = {
  HKD: { min: 1, max: 5_000_000 },
  EUR: { min: 1, max: 5_000_000 },
  GBP: { min: 1, max: 5_000_000 },
  SGD: { min: 1, max: 5_000_000 },
};

/** `lastEvent` values (seeds/README.md). */
export const WORLDPAY_STATUSES: Record<string, PaymentStatus> = {
  pending: 'pending',
  authorized: 'succeeded',
  sentForSettlement: 'succeeded',
  settled: 'succeeded',
  refused: 'failed',
  refusedByIssuer: 'failed',
  error: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
  cancelledByCustomer: 'cancelled',
};

/** The webhook keys by key id, checked when the adapter is made: each one a real secret. */
function webhookKeysOf(keys: unknown): Readonly<Record<string, string>> {
  if (typeof keys !== 'object' || keys === null || Object.keys(keys).length === 0) {
    throw new TypeError('worldpay: options.webhookKeys is required: { keyId: secret } with at least one key');
  }
  const copy: Record<string, string> = Object.create(null);
  for (const [keyId, secret] of Object.entries(keys)) {
    if (keyId === '') throw new TypeError('worldpay: options.webhookKeys has an empty key id');
    const name = `webhookKeys.${keyId}`;
    copy[keyId] = requireSecret('worldpay', { [name]: secret }, name);
  }
  return copy;
}

export function worldpayDeviceType(environment: Environment): 'DESKTOP' | 'MOBILE' | 'TABLET' {
  if (environment.deviceType === 'mobile') return 'MOBILE';
  if (environment.deviceType === 'tablet') return 'TABLET';
  return 'DESKTOP';
}

export function worldpay(options: WorldpayOptions): PaymentProvider {
  const baseUrl = (options.baseUrl ?? 'https://try.access.worldpay-bsh.securedataplatform.com').replace(/\/$/, '');
  const logger = options.logger ?? console;
  const headers = {
    Authorization: basicAuth(requireText('worldpay', options, 'username'), requireSecret('worldpay', options, 'password', 8)),
    'WP-Api-Version': API_VERSION,
  };
  if (typeof options.narrative !== 'string' || options.narrative.length < 1 || options.narrative.length > 24) {
    throw new TypeError('worldpay: options.narrative must be 1 to 24 characters');
  }
  const webhookKeys = webhookKeysOf(options.webhookKeys);

  const mapStatus = statusMapper('worldpay', WORLDPAY_STATUSES, logger);

  function state(paymentId: string, lastEvent: string): ProviderPaymentState {
    const status = mapStatus(lastEvent);
    return { paymentId, providerStatus: lastEvent, status, ...(status === 'failed' ? { failureCode: lastEvent } : {}) };
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
        // No retry: the seed documents no idempotency key; the transactionReference is ours, unique per session.
        body: {
          transactionReference: input.sessionId,
          merchant: { entity: options.entity ?? 'default' },
          instruction: {
            narrative: { line1: options.narrative },
            value: { amount: input.amount.value, currency: input.amount.currency },
            paymentInstrument: {
              type: 'alipay_hk',
              successURL: input.returnUrl,
              pendingURL: input.returnUrl,
              failureURL: input.returnUrl,
              deviceType: worldpayDeviceType(input.environment),
            },
          },
        },
      });
      if (status !== 201 || typeof body?.paymentId !== 'string') throw new ProviderError(`worldpay: create payment answered HTTP ${status}`, status, body);
      const { paymentId, lastEvent, url } = body;
      return {
        ...state(paymentId, String(lastEvent ?? 'pending')),
        // Unique per session: Worldpay's answers state no amount, so this reference, which only
        // this session ever sent, is what binds its events to it.
        providerReference: input.sessionId,
        eventKey: input.sessionId,
        // `url` is Worldpay's hosted page, which shows the QR on a desktop: the browser goes there.
        ...(typeof url === 'string' ? { redirectUrl: url, flow: 'redirect' as const } : {}),
      };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await callJson({ method: 'GET', url: `${baseUrl}/apmPayments/${encodeURIComponent(paymentId)}`, headers, retries: 1, timeoutMs: options.timeoutMs });
      if (status !== 200 || typeof body?.lastEvent !== 'string') throw new ProviderError(`worldpay: query answered HTTP ${status}`, status, body);
      return state(paymentId, body.lastEvent);
    },

    async parseWebhook(rawBody, requestHeaders): Promise<ProviderWebhookEvent | undefined> {
      const match = (header(requestHeaders, 'event-signature') ?? '').match(/^([^/]+)\/SHA256\/([0-9a-fA-F]+)$/);
      const key = match ? lookup(webhookKeys, match[1]) : undefined;
      if (!match || !key || !safeEqual(hmacSha256Hex(key, rawBody), match[2]!.toLowerCase())) {
        throw new WebhookVerificationError('worldpay: Event-Signature does not match');
      }
      const event = webhookJson('worldpay', rawBody);
      const details = event?.eventDetails;
      if (typeof event?.eventId !== 'string' || typeof details?.transactionReference !== 'string' || typeof details?.type !== 'string') return undefined;
      if (lookup(WORLDPAY_STATUSES, details.type) === undefined) return undefined; // refunds and the like
      return {
        ...state('', details.type),
        eventId: event.eventId,
        eventKey: details.transactionReference,
        reference: details.transactionReference,
      };
    },
  };
}
