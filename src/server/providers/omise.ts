// Omise (Opn Payments), seed 000_34eb9103a5ffad50.txt: one POST /charges with
// source[type]=alipay_hk and source[platform_type], form-encoded, the secret key as Basic user;
// the shopper goes to charge.authorize_uri (a QR page on desktop); GET /charges/{id} for status.
// Omise's own advice for webhooks is to fetch the charge again with the secret key: the adapter
// reads only the charge id from an event, and the handler fetches the charge if it is one of ours,
// so a forged event can say anything, change nothing, and cost no API call.
import type { Environment, PaymentStatus } from '../types.js';
import { basicAuth, callJson, checkAmount, failureFields, requireSecret, statedPayment, statusMapper, webhookJson, type AmountLimit } from './shared.js';
import {
  ProviderError,
  WebhookVerificationError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderWebhookNotice,
} from './types.js';

export interface OmiseOptions extends ProviderConnectionOptions {
  secretKey: string;
}

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
  const auth = { Authorization: basicAuth(requireSecret('omise', options, 'secretKey')) };

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
        // authorize_uri is Omise's own page, which shows the QR on a desktop: the browser goes there.
        ...(typeof uri === 'string' ? { redirectUrl: uri, flow: 'redirect' as const } : {}),
        ...(typeof body.expires_at === 'string' ? { expiresAt: body.expires_at } : {}),
      };
    },

    getPayment: getCharge,

    async parseWebhook(rawBody): Promise<ProviderWebhookNotice | undefined> {
      const event = webhookJson('omise', rawBody);
      if (event?.object !== 'event' || typeof event.key !== 'string' || !event.key.startsWith('charge.')) return undefined;
      const chargeId = event.data?.id;
      if (typeof chargeId !== 'string' || !/^chrg_\w{1,64}$/.test(chargeId)) throw new WebhookVerificationError('omise: event names no charge');
      // The event's own copy of the charge is not trusted: only its id is read.
      return { unsigned: true, eventId: typeof event.id === 'string' ? event.id.slice(0, 128) : chargeId, paymentId: chargeId };
    },
  };
}
