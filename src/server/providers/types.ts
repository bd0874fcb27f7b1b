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
  /** Sent to the provider as its own idempotency key where it has one. */
  idempotencyKey: string;
  locale?: string;
  /** The shopper's browser, from the create request (UQPAY wants the OS even on desktops). */
  userAgent?: string;
}

export interface ProviderPayment {
  paymentId: string;
  status: PaymentStatus;
  providerStatus: string;
  qrCode?: string;
  redirectUrl?: string;
  expiresAt?: string;
  /**
   * The flow the provider's answer calls for, when it is not the detected one: a hosted page
   * that itself shows the QR (Omise, NomuPay qr_link, Worldpay) is a redirect even on a desktop.
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
}

/** A verified webhook that says something about a payment; `undefined` for events we ignore. */
export interface ProviderWebhookEvent extends ProviderPaymentState {
  eventId: string;
  /** Set when the event names the payment by `ProviderPayment.eventKey` instead of its id. */
  eventKey?: string;
}

export interface PaymentProvider {
  /** URL segment of the webhook route, e.g. `checkout-com`. */
  readonly name: string;
  createPayment(input: CreatePaymentInput): Promise<ProviderPayment>;
  getPayment(paymentId: string): Promise<ProviderPaymentState>;
  /**
   * Verifies a webhook's signature over the raw body and reads it.
   * @throws {WebhookVerificationError} when it is not genuine.
   */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<ProviderWebhookEvent | undefined>;
  /** Maps a provider status to ours; anything not known to be final is `pending`. */
  mapStatus(providerStatus: string): PaymentStatus;
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
