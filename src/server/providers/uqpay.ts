// UQPAY Acquiring, seed 003_e2e91605b341fffd.txt: a PAY request for paymentMethod ALIPAY_HK,
// product CASHIER_PAYMENT, with goods.description and riskData.Device.os (both mandatory) and an
// expireAt under 72 h; the answer's payAction is QRCODE (QR content in `redirectUrl`) or
// REDIRECT (`url`); DETAIL for the status; NOTIFICATION signed with the notification key.
// The seed leaves out paths, amount format and signature scheme: see the README for our choices.
import type { Environment, PaymentStatus } from '../types.js';
import { callJson, checkAmount, deviceOs, failureFields, header, requireSecret, requireText, statedPayment, statusMapper, verifyHmacJson, type AmountLimit } from './shared.js';
import {
  ProviderError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderConnectionOptions,
  type ProviderPayment,
  type ProviderPaymentState,
  type ProviderWebhookEvent,
} from './types.js';

export interface UqpayOptions extends ProviderConnectionOptions {
  clientId: string;
  apiKey: string;
  /** Signs notifications (`x-signature`: HMAC-SHA256 of the raw body). */
  notificationKey: string;
  /** The merchant backend's webhook route, sent as notifyUrl. */
  notifyUrl: string;
  /** Lifetime of the payment code (default 15 minutes, under the seed's 72 hours). */
  expiresInMs?: number;
}

export const UQPAY_LIMITS: Record<string, AmountLimit> = { HKD: { min: 1, max: 5_000_000 } };
const MAX_EXPIRY_MS = 72 * 60 * 60_000;

/** The seed's four statuses. `closed` is an order that ended unpaid. */
export const UQPAY_STATUSES: Record<string, PaymentStatus> = {
  processing: 'pending',
  success: 'succeeded',
  fail: 'failed',
  closed: 'expired',
};

/** riskData.Device.os: from the environment on phones and tablets, from the user agent elsewhere. */
export function uqpayDeviceOs(environment: Environment, userAgent = ''): string {
  return deviceOs(environment, userAgent);
}

/** "yyyy-mm-dd hh:mm:ss" in UTC. */
export function uqpayTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function uqpay(options: UqpayOptions): PaymentProvider {
  const baseUrl = (options.baseUrl ?? 'https://api.uqpay.com').replace(/\/$/, '');
  const logger = options.logger ?? console;
  const headers = { 'x-client-id': requireText('uqpay', options, 'clientId'), 'x-api-key': requireSecret('uqpay', options, 'apiKey') };
  const notificationKey = requireSecret('uqpay', options, 'notificationKey');
  const notifyUrl = requireText('uqpay', options, 'notifyUrl');
  const lifetime = Math.min(options.expiresInMs ?? 15 * 60_000, MAX_EXPIRY_MS - 60_000);

  const mapStatus = statusMapper('uqpay', UQPAY_STATUSES, logger);

  function stateOf(data: any): ProviderPaymentState {
    if (typeof data?.paymentId !== 'string' || typeof data?.status !== 'string') throw new ProviderError('uqpay: not a payment', undefined, data);
    const status = mapStatus(data.status);
    return {
      paymentId: data.paymentId,
      providerStatus: data.status,
      status,
      ...failureFields(status, data.errorCode, data.errorMessage),
      ...statedPayment(data.amount, data.currency, data.merchantOrderId),
    };
  }

  return {
    name: 'uqpay',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('UQPAY', input.amount, UQPAY_LIMITS);
      // Whole seconds: expireAt has no finer unit, and the countdown must match what UQPAY enforces.
      const expiresAt = new Date(Math.floor((Date.now() + lifetime) / 1000) * 1000);
      const { status, body } = await callJson({
        timeoutMs: options.timeoutMs,
        method: 'POST',
        url: `${baseUrl}/v1/payments/pay`,
        headers: { ...headers, 'x-idempotency-key': input.idempotencyKey },
        retries: 1,
        body: {
          merchantOrderId: input.sessionId,
          paymentMethod: 'ALIPAY_HK',
          product: 'CASHIER_PAYMENT',
          amount: input.amount.value,
          currency: input.amount.currency,
          expireAt: uqpayTime(expiresAt),
          goods: { description: (input.description ?? input.reference).slice(0, 128) },
          riskData: { Device: { os: uqpayDeviceOs(input.environment, input.userAgent) } },
          returnUrl: input.returnUrl,
          notifyUrl,
        },
      });
      const data = body?.data;
      if (status !== 200 || typeof data?.paymentId !== 'string') throw new ProviderError(`uqpay: PAY answered HTTP ${status}`, status, body);
      const state = stateOf(data);
      const action = data.payAction;
      const target = action?.type === 'QRCODE' ? { qrCode: action.redirectUrl } : action?.type === 'REDIRECT' ? { redirectUrl: action.url ?? action.Url } : {};
      return { ...state, providerReference: input.sessionId, ...target, expiresAt: expiresAt.toISOString() };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await callJson({ method: 'GET', url: `${baseUrl}/v1/payments/${encodeURIComponent(paymentId)}`, headers, retries: 1, timeoutMs: options.timeoutMs });
      if (status !== 200) throw new ProviderError(`uqpay: DETAIL answered HTTP ${status}`, status, body);
      return stateOf(body?.data);
    },

    async parseWebhook(rawBody, requestHeaders): Promise<ProviderWebhookEvent | undefined> {
      const notification = verifyHmacJson('uqpay', rawBody, notificationKey, header(requestHeaders, 'x-signature'), 'x-signature');
      if (typeof notification?.notifyId !== 'string' || typeof notification?.data?.paymentId !== 'string') return undefined;
      return { ...stateOf(notification.data), eventId: notification.notifyId };
    },
  };
}
