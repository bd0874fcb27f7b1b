// NomuPay's UP API for AlipayHK, as its documents say (seed 001_22ac03b0aa9442bc.txt;
// docs.nomupay.com "integration-up-api/security", "…/idempotency", "…/webhooks", "payment-methods/
// alipay-hk"; NomuPay's own nomupay-labs/nomupay-ufs-AI-plugin; the signing as juspay/hyperswitch's
// NomuPay connector does it):
// - every request carries `X-Signature`: a detached ES256 JWS (`{header}..{signature}`) whose
//   protected header is { alg, kid, aud: "{METHOD} {path with query}", exp ≤ 5 min } and whose
//   payload is the exact JSON body sent (an empty payload for a GET);
// - POST /v1/payments?idempotencyKey=… (the key is a query parameter, 8–50 characters, kept a
//   week), GET /v1/payments/{id};
// - webhooks are JSON `{ id, type, payload, live }` with `X-Signature`, a detached HS256 JWS under
//   a shared key (several during a key rotation: one that verifies is enough).
// The JWS work is done by `jose`, the standard JOSE library.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, errors as joseErrors, type ProtectedHeaderParameters } from 'jose';
import type { Environment, Money, PaymentStatus } from '../types.js';
import { callJson, checkAmount, failureFields, requireSecret, requireText, signaturesOf, statedPayment, statusMapper, webhookJson, type AmountLimit } from './shared.js';
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

export interface NomuPayOptions extends ProviderConnectionOptions {
  /** The merchant's ES256 (P-256) private key, PEM (PKCS#8 or SEC1), whose public key NomuPay has. */
  privateKey: string;
  /** That key's id (`kid`), a KSUID NomuPay support gives when the public key is registered. */
  keyId: string;
  processingAccountId: string;
  /** The shared key (HS256, used as its UTF-8 bytes) that signs webhooks, from NomuPay support. */
  webhookSecret: string;
  /**
   * The unit of `amount.value`: `'minor'` (12345 is HKD 123.45) or `'major'` (123.45). NomuPay's
   * documents do not say (their one example is `value: 200` beside "Min Amount 0.1"), and a wrong
   * guess charges 100 times too much or too little: ask NomuPay, then set it. Required.
   */
  amountUnit: 'minor' | 'major';
  /** `'live'` (api.nomupay.com, the default) or `'sandbox'` (api.sandbox.nomupay.com); `baseUrl` overrides both. */
  mode?: 'live' | 'sandbox';
  /** The URL NomuPay sends webhooks to: when set, a webhook's `aud` must be it. */
  webhookUrl?: string;
}

/** AlipayHK on NomuPay: HKD only, from HKD 0.10 (the payment method's page); AlipayHK's own HKD 50,000. */
export const NOMUPAY_LIMITS: Record<string, AmountLimit> = { HKD: { min: 10, max: 5_000_000 } };

/**
 * Payment statuses as NomuPay's plugin lists them (the seeds name the same ones, with "…").
 * Money taken, then partly given back, still counts as a payment that went through.
 */
export const NOMUPAY_STATUSES: Record<string, PaymentStatus> = {
  pending: 'pending',
  unknown: 'pending',
  approved: 'succeeded',
  partially_captured: 'succeeded',
  captured: 'succeeded',
  partially_cancelled: 'succeeded',
  partially_refunded: 'succeeded',
  refunded: 'succeeded',
  declined: 'failed',
  rejected: 'failed',
  failed: 'failed',
  cancelled: 'cancelled',
  aborted: 'cancelled',
  // Not in NomuPay's list: what an AlipayHK payment left unpaid becomes is not documented.
  expired: 'expired',
};

/** How long a request signature is valid: NomuPay takes at most 5 minutes, and recommends less. */
const SIGNATURE_LIFETIME_S = 4 * 60;
/** Clock difference tolerated on a webhook's `exp`. */
const CLOCK_TOLERANCE_S = 5 * 60;
const HOSTS = { live: 'https://api.nomupay.com', sandbox: 'https://api.sandbox.nomupay.com' };
/** HKD has two decimals; NomuPay takes HKD only. */
const MINOR_PER_MAJOR = 100;

export function nomupayFlowType(environment: Environment): 'qr_link' | 'mobile_redirect' {
  return environment.deviceType === 'desktop' ? 'qr_link' : 'mobile_redirect';
}

/** The merchant's signing key, refused when it is not a P-256 private key. */
function signingKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new TypeError('nomupay: options.privateKey must be a PEM private key (PKCS#8 or SEC1)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('nomupay: options.privateKey must be an EC P-256 key (ES256)');
  }
  return key;
}

export function nomupay(options: NomuPayOptions): PaymentProvider {
  const key = signingKey(requireSecret('nomupay', options, 'privateKey'));
  const keyId = requireText('nomupay', options, 'keyId');
  const processingAccountId = requireText('nomupay', options, 'processingAccountId');
  const webhookKey = new TextEncoder().encode(requireSecret('nomupay', options, 'webhookSecret'));
  if (options.amountUnit !== 'minor' && options.amountUnit !== 'major') {
    throw new TypeError("nomupay: options.amountUnit is required: 'minor' or 'major' (ask NomuPay which unit amount.value is in)");
  }
  if (options.mode !== undefined && options.mode !== 'live' && options.mode !== 'sandbox') throw new TypeError("nomupay: options.mode must be 'live' or 'sandbox'");
  const mode = options.mode ?? 'live';
  const baseUrl = (options.baseUrl ?? HOSTS[mode]).replace(/\/$/, '');
  const logger = options.logger ?? console;
  const mapStatus = statusMapper('nomupay', NOMUPAY_STATUSES, logger);

  const toValue = (minor: number) => (options.amountUnit === 'minor' ? minor : minor / MINOR_PER_MAJOR);
  /** An amount NomuPay states, in minor units; one that is not a whole number of cents never matches. */
  const toMinor = (value: unknown) => {
    if (typeof value !== 'number' || options.amountUnit === 'minor') return value;
    const minor = value * MINOR_PER_MAJOR;
    return Math.abs(minor - Math.round(minor)) < 1e-6 ? Math.round(minor) : Number.NaN;
  };

  /** The X-Signature of a request to `pathAndQuery`, over `bodyText`. */
  const signer = (method: 'GET' | 'POST', pathAndQuery: string) => async (bodyText: string) => {
    const jws = await new CompactSign(new TextEncoder().encode(bodyText))
      .setProtectedHeader({ alg: 'ES256', kid: keyId, aud: `${method} ${pathAndQuery}`, exp: Math.floor(Date.now() / 1000) + SIGNATURE_LIFETIME_S })
      .sign(key);
    const [protectedHeader, , signature] = jws.split('.');
    return { 'X-Signature': `${protectedHeader}..${signature}` };
  };

  function stateOf(payment: any): ProviderPaymentState {
    if (typeof payment?.id !== 'string' || typeof payment?.status !== 'string') throw new ProviderError('nomupay: not a payment', undefined, payment);
    const status = mapStatus(payment.status);
    return {
      paymentId: payment.id,
      providerStatus: payment.status,
      status,
      ...failureFields(status, payment.reason?.code, payment.reason?.description),
      // The seed's payment object states merchantReference; an amount only where an answer has one.
      ...statedPayment(toMinor(payment.amount?.value), payment.amount?.currency, payment.merchantReference),
    };
  }

  /** Verifies one detached HS256 signature over the body; its protected header, or undefined. */
  async function verifiedHeader(signature: string, encodedBody: string): Promise<ProtectedHeaderParameters | undefined> {
    const [protectedHeader, detached, mac] = signature.split('.');
    if (protectedHeader === undefined || detached !== '' || mac === undefined) return undefined;
    // Only a signature that says HS256 is worth a hash of the body.
    try {
      if (JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'))?.alg !== 'HS256') return undefined;
    } catch {
      return undefined;
    }
    try {
      const { protectedHeader: fields } = await compactVerify(`${protectedHeader}.${encodedBody}.${mac}`, webhookKey, { algorithms: ['HS256'] });
      return fields;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
  }

  /**
   * A signed call to `pathAndQuery`, retried once: safe, since a GET changes nothing and every
   * POST here carries an idempotency key of its own (kept by NomuPay for a week).
   */
  const signedCall = (method: 'GET' | 'POST', pathAndQuery: string, body?: unknown) =>
    callJson({ method, url: `${baseUrl}${pathAndQuery}`, headers: {}, sign: signer(method, pathAndQuery), retries: 1, timeoutMs: options.timeoutMs, body });
  /** `amount` as NomuPay's create request shows it: in the unit the merchant set, currency in lower case. */
  const amountOf = (money: Money) => ({ value: toValue(money.value), currency: money.currency.toLowerCase() });

  return {
    name: 'nomupay',
    mapStatus,

    async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
      checkAmount('NomuPay', input.amount, NOMUPAY_LIMITS);
      const { status, body } = await signedCall('POST', `/v1/payments?idempotencyKey=${encodeURIComponent(input.idempotencyKey)}`, {
        processingAccountId,
        merchantReference: input.sessionId,
        amount: amountOf(input.amount),
        paymentMethod: { type: 'alipay_hk', alipayHk: { returnUrl: input.returnUrl, flowType: nomupayFlowType(input.environment) } },
      });
      if (status !== 200 && status !== 201) throw new ProviderError(`nomupay: create payment answered HTTP ${status}`, status, body);
      const state = stateOf(body);
      const url = body.nextStep?.type === 'redirect' ? body.nextStep.redirect?.url : undefined;
      return {
        ...state,
        providerReference: input.sessionId,
        // Both flow types answer with a page for this browser (qr_link: one that shows the QR,
        // opened in a popup on a desktop).
        ...(typeof url === 'string' ? { redirectUrl: url } : {}),
      };
    },

    async getPayment(paymentId: string): Promise<ProviderPaymentState> {
      const { status, body } = await signedCall('GET', `/v1/payments/${encodeURIComponent(paymentId)}`);
      if (status !== 200) throw new ProviderError(`nomupay: get payment answered HTTP ${status}`, status, body);
      return stateOf(body);
    },

    async refundPayment(input: RefundInput): Promise<ProviderRefund> {
      // POST /v1/payments/{id}/refunds (NomuPay's plugin); its body is not in any document we
      // could read: the amount as in the create request is assumed (see the README).
      const pathAndQuery = `/v1/payments/${encodeURIComponent(input.paymentId)}/refunds?idempotencyKey=${encodeURIComponent(input.idempotencyKey)}`;
      const { status, body } = await signedCall('POST', pathAndQuery, { amount: amountOf(input.amount) });
      if ((status !== 200 && status !== 201 && status !== 202) || typeof body?.id !== 'string') {
        throw new ProviderError(`nomupay: refund answered HTTP ${status}`, status, body);
      }
      return { refundId: body.id };
    },

    async cancelPayment(): Promise<'unsupported'> {
      // The AlipayHK page: "Cancels: -". An unpaid payment ends at NomuPay on its own.
      return 'unsupported';
    },

    async parseWebhook(rawBody, headers): Promise<ProviderWebhookEvent | undefined> {
      // Several X-Signature headers arrive joined by commas; a JWS has none of its own.
      const signatures = signaturesOf(headers['x-signature']) ?? [];
      const encodedBody = rawBody.toString('base64url');
      let verified: ProtectedHeaderParameters | undefined;
      for (const signature of signatures) {
        verified = await verifiedHeader(signature, encodedBody);
        if (verified) break;
      }
      if (!verified) throw new WebhookVerificationError('nomupay: no X-Signature verifies with the webhook secret');
      const exp = (verified as { exp?: unknown }).exp;
      if (typeof exp !== 'number' || exp + CLOCK_TOLERANCE_S < Date.now() / 1000) throw new WebhookVerificationError('nomupay: the webhook signature has expired');
      if (options.webhookUrl !== undefined && (verified as { aud?: unknown }).aud !== options.webhookUrl) {
        throw new WebhookVerificationError('nomupay: the webhook signature was made for another URL');
      }
      const event = webhookJson('nomupay', rawBody);
      // A sandbox event sent to a live shop (or the reverse) is not about its payments.
      if (typeof event?.live === 'boolean' && event.live !== (mode === 'live')) return undefined;
      if (typeof event?.id !== 'string' || event.type !== 'payment' || typeof event.payload?.id !== 'string') return undefined;
      return { ...stateOf(event.payload), eventId: event.id };
    },
  };
}

