import type { Environment, Money, PaymentStatus } from '../types.js';

export interface CreatePaymentInput {
  /** Our session id: unique per payment attempt, usable as the provider's transaction reference. */
  sessionId: string;
  amount: Money;
  reference: string;
  description?: string;
  environment: Environment;
  /** Where the provider sends the shopper back after paying (or not) in the wallet. */
  returnUrl: string;
  /**
   * The provider's idempotency key, where it has one: made by the handler for this session (never
   * the browser's key), so that a repeated key can only ever give back this session's own payment.
   */
  idempotencyKey: string;
  locale?: string;
  /** The shopper's browser, from the create request (UQPAY wants the OS even on desktops). */
  userAgent?: string;
}

export interface ProviderPayment extends ProviderPaymentState {
  /**
   * The reference this adapter gave the provider for the payment (the order reference, or the
   * session id where the provider wants one unique per payment): every answer about the payment
   * that states a reference must state this one.
   */
  providerReference: string;
  qrCode?: string;
  redirectUrl?: string;
  expiresAt?: string;
  /**
   * The flow the provider's answer calls for, when it is not the detected one (UQPAY answering a
   * phone with a QR). A hosted page that itself shows the QR (Checkout.com WEB, Omise, NomuPay
   * qr_link, Worldpay) keeps the detected flow: a desktop opens it in a popup (SPEC §5).
   */
  flow?: 'qr' | 'redirect';
  /** What the provider's webhooks name the payment by, when not `paymentId` (Worldpay: the transaction reference). */
  eventKey?: string;
}

export interface ProviderPaymentState {
  paymentId: string;
  status: PaymentStatus;
  providerStatus: string;
  failureCode?: string;
  failureMessage?: string;
  /**
   * The amount as the provider's answer states it (absent when the answer has none): the handler
   * compares it with the session's, and a difference fails the session (`amount_mismatch`).
   */
  amount?: Money;
  /** The payment's reference as the answer states it (absent when it has none); compared likewise. */
  reference?: string;
}

/** A verified webhook that says something about a payment; `undefined` for events we ignore. */
export interface ProviderWebhookEvent extends ProviderPaymentState {
  eventId: string;
  /** Set when the event names the payment by `ProviderPayment.eventKey` instead of its id. */
  eventKey?: string;
}

/**
 * A webhook whose contents are not trusted (Omise): it only names a payment. The handler looks the
 * payment up in its store first, and asks the provider (`getPayment`) only about one of its own,
 * at most once per `providerCheckIntervalMs` in each process: a forged notice costs no API call.
 */
export interface ProviderWebhookNotice {
  unsigned: true;
  eventId: string;
  paymentId: string;
}

export interface PaymentProvider {
  /** URL segment of the webhook route, e.g. `checkout-com`. */
  readonly name: string;
  createPayment(input: CreatePaymentInput): Promise<ProviderPayment>;
  getPayment(paymentId: string): Promise<ProviderPaymentState>;
  /**
   * Verifies a webhook's signature over the raw body and reads it; a provider that does not sign
   * its webhooks gives a notice that only names the payment.
   * @throws {WebhookVerificationError} when it is not genuine.
   */
  parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<ProviderWebhookEvent | ProviderWebhookNotice | undefined>;
  /** Maps a provider status to ours; anything not known to be final is `pending`. */
  mapStatus(providerStatus: string): PaymentStatus;
  /**
   * Gives back `amount` of a payment that succeeded, as the provider's refund API documents it
   * (with `idempotencyKey` where it has one). Resolves once the provider accepted the refund.
   */
  refundPayment(input: RefundInput): Promise<ProviderRefund>;
  /**
   * Makes a pending payment unpayable at the provider where it documents a way ('cancelled');
   * 'unsupported' where it does not (the payment then ends by the provider's own expiry).
   */
  cancelPayment(paymentId: string): Promise<'cancelled' | 'unsupported'>;
  /**
   * The body the provider expects in the 200 answer to its webhooks (UQPAY: `{"code":"000000"}`);
   * unset, the handler answers `{ received, applied }`.
   */
  readonly webhookAcknowledgement?: unknown;
}

export class WebhookVerificationError extends Error {}

/** The provider answered with an error, timed out or could not be reached. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The payment cannot be made with this provider (amount limits, currency): the merchant's input. */
export class ProviderRequestError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export type Logger = Pick<Console, 'warn' | 'error'>;

/** What every adapter factory takes besides its credentials. */
export interface ProviderConnectionOptions {
  /** API origin, defaulting to the documented one; the sandbox or a test server stands in for it. */
  baseUrl?: string;
  /** How long one call to the provider may take (default 10 s); then it counts as failed. */
  timeoutMs?: number;
  logger?: Logger;
}

export interface RefundInput {
  paymentId: string;
  /** The whole payment, for providers that need it beside the refund. */
  payment: { amount: Money; reference: string; sessionId: string };
  /** What to give back, in minor units of the payment's currency. */
  amount: Money;
  /** Unique per refund of this session, the same on a retry of it. */
  idempotencyKey: string;
  reason?: string;
}

export interface ProviderRefund {
  refundId: string;
}
