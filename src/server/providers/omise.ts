// Omise (Opn Payments), seed 000_34eb9103a5ffad50.txt, docs.omise.co/alipay-hk and the official
// client omise/omise-node: one POST /charges with source[type]=alipay_hk and
// source[platform_type], form-encoded, the secret key as Basic user, `Omise-Version` pinned
// (AlipayHK needs 2017-11-02 or later; 2019-05-29 is what omise-node 1.x speaks); the shopper goes
// to charge.authorize_uri (a QR page on desktop); GET /charges/{id} for status.
// Omise's own advice for webhooks is to fetch the charge again with the secret key: the adapter
// reads only the charge id from an event, and the handler fetches the charge if it is one of ours,
// so a forged event can say anything, change nothing, and cost no API call.
import { createHmac } from 'node:crypto';
import type { Environment, PaymentStatus } from '../types.js';
import { basicAuth, callJson, checkAmount, failureFields, header, requireSecret, safeEqual, signaturesOf, statedPayment, statusMapper, webhookJson, type AmountLimit } from './shared.js';
import {
  ProviderError,
  WebhookVerificationError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderRefund,
  type ProviderWebhookNotice,
  type RefundInput,
} from './types.js';

export interface OmiseOptions extends ProviderConnectionOptions {
  secretKey: string;
  /**
   * The webhook secret from Omise's dashboard (base64), to check `Omise-Signature` as well. Optional:
   * events are never trusted anyway (a charge of ours is fetched again), and the scheme is not in
   * the part of Omise's documents we could read (see the README).
   */
  webhookSecret?: string;
}

/** The API version every call asks for: AlipayHK needs 2017-11-02 or later. */
export const OMISE_API_VERSION = '2019-05-29';
/** How old an event's `Omise-Signature-Timestamp` may be. */
const SIGNATURE_TOLERANCE_S = 5 * 60;

/** Seed table "Supported Regions": THB 20.00–150,000.00, SGD 1.00–20,000.00. */
export const OMISE_LIMITS: Record<string, AmountLimit> = {
  THB: { min: 2_000, max: 15_000_000 },
  SGD: { min: 100, max: 2_000_000 },
};

/** Seed table "Charge Status Values", plus `reversed` (seeds/README.md). */
export const OMISE_STATUSES: Record<string, PaymentStatus> = {
  pending: 'pending',
  successful: 'succeeded',
  failed: 'failed',
  expired: 'expired',
  reversed: 'cancelled',
};

export function omisePlatformType(environment: Environment): 'WEB' | 'IOS' | 'ANDROID' {
  if (environment.deviceType === 'desktop' || environment.osType === null) return 'WEB';
  return environment.osType;
}

export function omise(options: OmiseOptions): PaymentProvider {
  const baseUrl = (options.baseUrl ?? 'https://api.omise.co').replace(/\/$/, '');
  const logger = options.logger ?? console;
  const auth = { Authorization: basicAuth(requireSecret('omise', options, 'secretKey')), 'Omise-Version': OMISE_API_VERSION };
  const webhookKey = options.webhookSecret === undefined ? undefined : Buffer.from(requireSecret('omise', options, 'webhookSecret'), 'base64');

  /** `Omise-Signature` (hex, comma-separated while the secret rolls) over `{timestamp}.{raw body}`. */
  function signedEvent(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): boolean {
    const timestamp = header(headers, 'omise-signature-timestamp') ?? '';
    if (!webhookKey || !/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_S) return false;
    const expected = createHmac('sha256', webhookKey).update(`${timestamp}.`).update(rawBody).digest('hex');
    return (signaturesOf(headers['omise-signature']) ?? []).some((signature) => safeEqual(expected, signature.toLowerCase()));
  }


  const mapStatus = statusMapper('omise', OMISE_STATUSES, logger);

  function stateOf(charge: any): ProviderPaymentState {
    if (typeof charge?.id !== 'string' || typeof charge?.status !== 'string') throw new ProviderError('omise: not a charge', undefined, charge);
    const status = mapStatus(charge.status);
    return {
      paymentId: charge.id,
      providerStatus: charge.status,
      status,
      ...failureFields(status, charge.failure_code, charge.failure_message),
      ...statedPayment(charge.amount, charge.currency, charge.metadata?.reference),
    };
  }

  async function getCharge(chargeId: string): Promise<ProviderPaymentState> {
    const { status, body } = await callJson({ method: 'GET', url: `${baseUrl}/charges/${encodeURIComponent(chargeId)}`, headers: auth, retries: 1, timeoutMs: options.timeoutMs });
    if (status !== 200) throw new ProviderError(`omise: get charge answered HTTP ${status}`, status, body);
    return stateOf(body);
  }

  return {
    name: 'omise',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('Omise', input.amount, OMISE_LIMITS);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/charges`,
        headers: auth,
        form: true,
        // No retry: Omise documents no idempotency key for charges, and a retry could charge twice.
        body: {
          amount: String(input.amount.value),
          currency: input.amount.currency,
          return_uri: input.returnUrl,
          'source[type]': 'alipay_hk',
          'source[platform_type]': omisePlatformType(input.environment),
          ...(input.description ? { description: input.description } : {}),
          'metadata[reference]': input.reference,
          'metadata[session_id]': input.sessionId,
        },
      });
      if (status !== 200 || body?.object !== 'charge') throw new ProviderError(`omise: create charge answered HTTP ${status}`, status, body);
      const state = stateOf(body);
      const uri = body.authorize_uri;
      return {
        ...state,
        providerReference: input.reference,
        // authorize_uri is Omise's own page, which shows the QR on a desktop (there, in a popup).
        ...(typeof uri === 'string' ? { redirectUrl: uri } : {}),
        ...(typeof body.expires_at === 'string' ? { expiresAt: body.expires_at } : {}),
      };
    },

    getPayment: getCharge,

    async refundPayment(input: RefundInput): Promise<ProviderRefund> {
      // POST /charges/{id}/refunds { amount } (required): the refund object.
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/charges/${encodeURIComponent(input.paymentId)}/refunds`,
        headers: auth,
        form: true,
        // No retry: Omise documents no idempotency key for refunds.
        body: { amount: String(input.amount.value), 'metadata[refund_key]': input.idempotencyKey },
      });
      if (status !== 200 || body?.object !== 'refund' || typeof body.id !== 'string') throw new ProviderError(`omise: refund answered HTTP ${status}`, status, body);
      return { refundId: body.id };
    },

    async cancelPayment(paymentId: string): Promise<'cancelled' | 'unsupported'> {
      // POST /charges/{id}/expire (omise-node charges.expire): a pending charge can no longer be paid.
      const { status, body } = await callJson({ method: 'POST', url: `${baseUrl}/charges/${encodeURIComponent(paymentId)}/expire`, headers: auth, timeoutMs: options.timeoutMs });
      if (status === 200 && body?.object === 'charge' && body.status === 'expired') return 'cancelled';
      if (status >= 400 && status < 500) return 'unsupported'; // failed_expire: left to its own expiry
      throw new ProviderError(`omise: expire charge answered HTTP ${status}`, status, body);
    },

    async parseWebhook(rawBody, headers): Promise<ProviderWebhookNotice | undefined> {
      if (webhookKey && !signedEvent(rawBody, headers)) throw new WebhookVerificationError('omise: Omise-Signature does not match');
      const event = webhookJson('omise', rawBody);
      if (event?.object !== 'event' || typeof event.key !== 'string' || !event.key.startsWith('charge.')) return undefined;
      const chargeId = event.data?.id;
      if (typeof chargeId !== 'string' || !/^chrg_\w{1,64}$/.test(chargeId)) throw new WebhookVerificationError('omise: event names no charge');
      // The event's own copy of the charge is not trusted: only its id is read.
      return { unsigned: true, eventId: typeof event.id === 'string' ? event.id.slice(0, 128) : chargeId, paymentId: chargeId };
    },
  };
}
