// NomuPay UP API, seed 001_22ac03b0aa9442bc.txt: POST /v1/payments with amount { value,
// currency (lower case) } and paymentMethod.alipayHk { returnUrl, flowType qr_link |
// mobile_redirect }; the shopper goes to nextStep.redirect.url; GET /v1/payments/{id} for status.
// Webhooks are HS256 JWS (seeds/README.md), verified with `jose`, the standard JOSE library.
import { compactVerify, errors as joseErrors } from 'jose';
import type { Environment, PaymentStatus } from '../types.js';
import { callJson, checkAmount, failureFields, requireSecret, requireText, statedPayment, statusMapper, webhookJson, type AmountLimit } from './shared.js';
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

export interface NomuPayOptions extends ProviderConnectionOptions {
  apiKey: string;
  processingAccountId: string;
  /** The HS256 key that signs webhooks. */
  webhookSecret: string;
}

/** Seed: HKD only, minimum 0.1 (10 cents); AlipayHK's own maximum, HKD 50,000. */
export const NOMUPAY_LIMITS: Record<string, AmountLimit> = { HKD: { min: 10, max: 5_000_000 } };

/** Every status the seeds name; the "…" of the seeds' list (created, authorized…) is pending. */
export const NOMUPAY_STATUSES: Record<string, PaymentStatus> = {
  pending: 'pending',
  created: 'pending',
  processing: 'pending',
  authorized: 'pending',
  approved: 'succeeded',
  captured: 'succeeded',
  declined: 'failed',
  rejected: 'failed',
  failed: 'failed',
  cancelled: 'cancelled',
  aborted: 'cancelled',
  expired: 'expired',
};

export function nomupayFlowType(environment: Environment): 'qr_link' | 'mobile_redirect' {
  return environment.deviceType === 'desktop' ? 'qr_link' : 'mobile_redirect';
}

export function nomupay(options: NomuPayOptions): PaymentProvider {
  const baseUrl = (options.baseUrl ?? 'https://api.nomupay.com').replace(/\/$/, '');
  const logger = options.logger ?? console;
  const auth = { Authorization: `Bearer ${requireSecret('nomupay', options, 'apiKey')}` };
  const webhookKey = new TextEncoder().encode(requireSecret('nomupay', options, 'webhookSecret'));
  const processingAccountId = requireText('nomupay', options, 'processingAccountId');

  const mapStatus = statusMapper('nomupay', NOMUPAY_STATUSES, logger);

  function stateOf(payment: any): ProviderPaymentState {
    if (typeof payment?.id !== 'string' || typeof payment?.status !== 'string') throw new ProviderError('nomupay: not a payment', undefined, payment);
    const status = mapStatus(payment.status);
    // The seed's payment object states merchantReference; an amount only where the answer has one.
    return {
      paymentId: payment.id,
      providerStatus: payment.status,
      status,
      ...failureFields(status, payment.reason?.code, payment.reason?.description),
      ...statedPayment(payment.amount?.value, payment.amount?.currency, payment.merchantReference),
    };
  }

  return {
    name: 'nomupay',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('NomuPay', input.amount, NOMUPAY_LIMITS);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/v1/payments`,
        headers: { ...auth, 'Idempotency-Key': input.idempotencyKey },
        retries: 1,
        body: {
          processingAccountId,
          merchantReference: input.sessionId,
          amount: { value: input.amount.value, currency: input.amount.currency.toLowerCase() },
          paymentMethod: { type: 'alipay_hk', alipayHk: { returnUrl: input.returnUrl, flowType: nomupayFlowType(input.environment) } },
        },
      });
      if (status !== 200 && status !== 201) throw new ProviderError(`nomupay: create payment answered HTTP ${status}`, status, body);
      const state = stateOf(body);
      const url = body.nextStep?.type === 'redirect' ? body.nextStep.redirect?.url : undefined;
      return {
        ...state,
        providerReference: input.sessionId,
        // Both flow types answer with a page for this browser (qr_link: one that shows the QR).
        ...(typeof url === 'string' ? { redirectUrl: url, flow: 'redirect' as const } : {}),
      };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await callJson({ method: 'GET', url: `${baseUrl}/v1/payments/${encodeURIComponent(paymentId)}`, headers: auth, retries: 1, timeoutMs: options.timeoutMs });
      if (status !== 200) throw new ProviderError(`nomupay: get payment answered HTTP ${status}`, status, body);
      return stateOf(body);
    },

    async parseWebhook(rawBody): Promise<ProviderWebhookEvent | undefined> {
      let payload: Uint8Array;
      try {
        ({ payload } = await compactVerify(rawBody.toString('utf8').trim(), webhookKey, { algorithms: ['HS256'] }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) throw new WebhookVerificationError(`nomupay: ${error.code}`);
        throw new WebhookVerificationError('nomupay: webhook is not a JWS');
      }
      const event = webhookJson('nomupay', payload);
      const payment = event?.payment ?? event?.data;
      if (typeof event?.id !== 'string' || typeof payment?.id !== 'string') return undefined;
      return { ...stateOf(payment), eventId: event.id };
    },
  };
}
