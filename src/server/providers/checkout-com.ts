// Checkout.com's AlipayHK integration (seed 002_48cd39e0599d3d28.txt; checkout/checkout-sdk-node
// src/services/http.js and auth-builder.js; checkout.com/docs/payments/add-payment-methods/alipayhk):
// POST /payments with source.type "alipay_hk" and processing.terminal_type / os_type, the shopper
// goes to _links.redirect.href (on WEB, a page that shows the QR itself), GET /payments/{id} for
// the status, Cko-Signature (hex HMAC-SHA256 of the raw body) on webhooks.
import type { Environment, PaymentStatus } from '../types.js';
import { callJson, checkAmount, failureFields, header, lookup, requireSecret, requireText, statedPayment, statusMapper, verifyHmacJson, type AmountLimit } from './shared.js';
import {
  ProviderError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderRefund,
  type ProviderWebhookEvent,
  type RefundInput,
} from './types.js';

export interface CheckoutComOptions extends ProviderConnectionOptions {
  secretKey: string;
  processingChannelId: string;
  /** The secret of the webhook endpoint, for Cko-Signature. */
  webhookSecret: string;
}

/**
 * AlipayHK's processing currencies on Checkout.com: HKD, and SGD (beta). Checkout.com documents no
 * limits of its own: AlipayHK's HKD 50,000 applies; SGD has none we know of.
 */
export const CHECKOUT_COM_LIMITS: Record<string, AmountLimit> = {
  HKD: { min: 1, max: 5_000_000 },
  SGD: { min: 1, max: Number.MAX_SAFE_INTEGER },
};

/** Every payment status of Checkout.com's API reference and SDKs (checkout-sdk-java PaymentStatus). AlipayHK captures at once. */
export const CHECKOUT_COM_STATUSES: Record<string, PaymentStatus> = {
  Pending: 'pending',
  Active: 'pending',
  Requested: 'pending',
  'Authentication Requested': 'pending',
  'Card Verified': 'pending',
  'Retry Scheduled': 'pending',
  Authorized: 'succeeded',
  Captured: 'succeeded',
  'Partially Captured': 'succeeded',
  Paid: 'succeeded',
  // A refund comes after a payment that went through: for the checkout it succeeded.
  Refunded: 'succeeded',
  'Partially Refunded': 'succeeded',
  Declined: 'failed',
  Expired: 'expired',
  Canceled: 'cancelled',
  Voided: 'cancelled',
};

/** Webhook types that move a payment; others (refunds, disputes) leave the checkout alone. */
export const CHECKOUT_COM_WEBHOOKS: Record<string, PaymentStatus> = {
  payment_pending: 'pending',
  payment_capture_pending: 'pending',
  payment_approved: 'succeeded',
  payment_captured: 'succeeded',
  payment_paid: 'succeeded',
  payment_declined: 'failed',
  payment_capture_declined: 'failed',
  payment_expired: 'expired',
  payment_canceled: 'cancelled',
  payment_cancelled: 'cancelled',
  payment_voided: 'cancelled',
};

export function checkoutComDeviceFields(environment: Environment): { terminal_type: string; os_type?: string } {
  if (environment.deviceType === 'desktop') return { terminal_type: 'WEB' };
  const fields: { terminal_type: string; os_type?: string } = { terminal_type: environment.inApp ? 'APP' : 'WAP' };
  if (environment.osType) fields.os_type = environment.osType;
  return fields;
}

/**
 * The API origin for a secret key: sandbox keys (sk_sbox_…) belong to the sandbox, as in
 * checkout-sdk-node. An account's own prefixed host ({prefix}.api.checkout.com) goes in `baseUrl`.
 */
export function checkoutComHost(secretKey: string): string {
  return secretKey.startsWith('sk_sbox_') ? 'https://api.sandbox.checkout.com' : 'https://api.checkout.com';
}

export function checkoutCom(options: CheckoutComOptions): PaymentProvider {
  const secretKey = requireSecret('checkout-com', options, 'secretKey');
  const webhookSecret = requireSecret('checkout-com', options, 'webhookSecret');
  const processingChannelId = requireText('checkout-com', options, 'processingChannelId');
  const baseUrl = (options.baseUrl ?? checkoutComHost(secretKey)).replace(/\/$/, '');
  const logger = options.logger ?? console;
  const auth = { Authorization: `Bearer ${secretKey}` };

  const mapStatus = statusMapper('checkout-com', CHECKOUT_COM_STATUSES, logger);
  /** A declined payment's reason, from the payment or from a webhook's `data`. */
  const failureOf = (status: PaymentStatus, body: any) =>
    failureFields(status, body?.response_code ?? body?.data?.response_code, body?.response_summary ?? body?.data?.response_summary);
  /** What a payment object (or a webhook's `data`) says it is for. */
  const factsOf = (payment: any) => statedPayment(payment?.amount, payment?.currency, payment?.reference);

  return {
    name: 'checkout-com',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('Checkout.com', input.amount, CHECKOUT_COM_LIMITS);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/payments`,
        headers: { ...auth, 'Cko-Idempotency-Key': input.idempotencyKey },
        retries: 1, // safe: the same Cko-Idempotency-Key (this session's own) returns the same payment
        body: {
          amount: input.amount.value,
          currency: input.amount.currency,
          source: { type: 'alipay_hk' },
          processing: checkoutComDeviceFields(input.environment),
          success_url: input.returnUrl,
          failure_url: input.returnUrl,
          payment_type: 'Regular',
          reference: input.reference,
          ...(input.description ? { description: input.description } : {}),
          capture: true,
          processing_channel_id: processingChannelId,
        },
      });
      if ((status !== 201 && status !== 202) || typeof body?.id !== 'string') {
        throw new ProviderError(`checkout-com: create payment answered HTTP ${status}`, status, body);
      }
      const redirect = body._links?.redirect?.href;
      return {
        paymentId: body.id,
        providerStatus: String(body.status),
        status: mapStatus(String(body.status)),
        providerReference: input.reference,
        // The 202 states the reference but not the amount; GET /payments/{id} and webhooks state both.
        ...factsOf(body),
        // A page of Alipay+'s on every terminal type: on WEB it shows the QR itself (Alipay+ cashier
        // payment), on WAP / APP it opens the wallet. It is never re-encoded: a desktop opens it in
        // a popup, a phone goes there (the detected flow, SPEC §5).
        ...(typeof redirect === 'string' ? { redirectUrl: redirect } : {}),
      };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'GET',
        url: `${baseUrl}/payments/${encodeURIComponent(paymentId)}`,
        headers: auth,
        retries: 1,
      });
      if (status !== 200 || typeof body?.status !== 'string') {
        throw new ProviderError(`checkout-com: get payment answered HTTP ${status}`, status, body);
      }
      const mapped = mapStatus(body.status);
      return { paymentId, providerStatus: body.status, status: mapped, ...failureOf(mapped, body), ...factsOf(body) };
    },

    async refundPayment(input: RefundInput): Promise<ProviderRefund> {
      // POST /payments/{id}/refunds: 202 { action_id } ("AlipayHK supports both partial and full refunds").
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/payments/${encodeURIComponent(input.paymentId)}/refunds`,
        headers: { ...auth, 'Cko-Idempotency-Key': input.idempotencyKey },
        retries: 1, // safe: the key is this refund's own
        body: { amount: input.amount.value, reference: input.idempotencyKey.slice(0, 50) },
      });
      if (status !== 202 || typeof body?.action_id !== 'string') throw new ProviderError(`checkout-com: refund answered HTTP ${status}`, status, body);
      return { refundId: body.action_id };
    },

    async cancelPayment(): Promise<'unsupported'> {
      // No documented way to cancel a Pending APM payment (voids are for authorizations): it
      // ends as payment_expired on Checkout.com's side.
      return 'unsupported';
    },

    async parseWebhook(rawBody, headers): Promise<ProviderWebhookEvent | undefined> {
      const event = verifyHmacJson('checkout-com', rawBody, webhookSecret, header(headers, 'cko-signature'), 'Cko-Signature');
      const status = lookup(CHECKOUT_COM_WEBHOOKS, event?.type);
      if (!status || typeof event?.data?.id !== 'string' || typeof event?.id !== 'string') return undefined;
      return {
        eventId: event.id,
        paymentId: event.data.id,
        providerStatus: event.type,
        status,
        ...failureOf(status, event),
        ...factsOf(event.data),
      };
    },
  };
}
