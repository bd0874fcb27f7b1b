// NomuPay's UP API as the sandbox speaks it, written from NomuPay's documents (not from the
// adapter), with node:crypto alone: each request must carry `X-Signature`, a detached ES256 JWS
// over the exact body (empty for a GET) whose header is { alg: ES256, kid, aud: "{METHOD} {path
// with query}", exp ≤ 5 minutes ahead }, verified with the merchant's registered public key, or it
// gets 401; POST /v1/payments?idempotencyKey=… (8–50 characters; the same key with another body is
// 409); GET /v1/payments/{id} and the trackingUrl; webhooks `{ id, type, payload, live }` signed
// with a detached HS256 JWS under the shared key, `aud` the webhook URL.
// Where NomuPay's documents are silent the sandbox chooses, and the README says so: amount.value
// in minor units, an unpaid payment ending `expired`, and errors as `{ reason: { code, description } }`.
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { isIntegerIn, isSafeUrl, refundedOf, refundState } from './validate.js';

const STATUS_OF = { approve: 'captured', decline: 'declined', expire: 'expired' } as const;
const DECLINED = { code: 'declined', description: 'The shopper declined the payment in AlipayHK.' };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An id shaped like NomuPay's (a KSUID: 27 base62 characters). */
function ksuid(): string {
  return Array.from(randomBytes(27), (byte) => BASE62[byte % 62]).join('');
}

/** The merchant's key pair for the demo: the private half goes to the adapter, the public half stays here. */
const demoKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function problem(res: ServerResponse, status: number, code: string, description: string): true {
  sendJson(res, status, { reason: { code, description } });
  return true;
}

/** Why a request's X-Signature is not the merchant's, or undefined when it is. */
export function nomupaySignatureProblem(
  signature: string | undefined,
  { method, pathAndQuery, body, keyId, publicKey, now = Date.now() }: { method: string; pathAndQuery: string; body: Buffer; keyId: string; publicKey: KeyObject; now?: number },
): string | undefined {
  const parts = signature?.split('.');
  if (!parts || parts.length !== 3 || parts[1] !== '') return 'X-Signature must be a detached JWS: {header}..{signature}';
  let header: any;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return 'the JWS header is not JSON';
  }
  if (header?.alg !== 'ES256') return 'alg must be ES256';
  if (header.kid !== keyId) return 'kid is not a registered key';
  if (header.aud !== `${method} ${pathAndQuery}`) return `aud must be "${method} ${pathAndQuery}"`;
  const seconds = now / 1000;
  if (typeof header.exp !== 'number' || header.exp < seconds || header.exp > seconds + 5 * 60) return 'exp must be within the next 5 minutes';
  const signingInput = Buffer.from(`${parts[0]}.${body.toString('base64url')}`);
  const valid = verify('sha256', signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2]!, 'base64url'));
  return valid ? undefined : 'the signature does not verify with the registered public key';
}

export function nomupayRequestErrors(body: any, processingAccountId: string): string[] {
  const problems: string[] = [];
  if (body?.processingAccountId !== processingAccountId) problems.push('processingAccountId is unknown');
  if (typeof body?.merchantReference !== 'string' || body.merchantReference.length < 1 || body.merchantReference.length > 64) problems.push('merchantReference is required (1-64)');
  if (!isIntegerIn(body?.amount?.value, 10, 5_000_000)) problems.push('amount.value must be an integer in cents, from 10 (HKD 0.10)');
  if (body?.amount?.currency !== 'hkd') problems.push('amount.currency must be hkd');
  if (body?.paymentMethod?.type !== 'alipay_hk') problems.push('paymentMethod.type must be alipay_hk');
  if (!isSafeUrl(body?.paymentMethod?.alipayHk?.returnUrl)) problems.push('paymentMethod.alipayHk.returnUrl is invalid');
  if (!['qr_link', 'mobile_redirect'].includes(body?.paymentMethod?.alipayHk?.flowType)) problems.push('paymentMethod.alipayHk.flowType must be qr_link or mobile_redirect');
  return problems;
}

const REFUND_STATUS = { partial: 'partially_refunded', full: 'refunded' } as const;

function render(payment: SandboxPayment, context: SandboxContext) {
  const refund = refundState(payment);
  const status = !payment.outcome ? 'pending' : refund !== 'none' ? REFUND_STATUS[refund] : STATUS_OF[payment.outcome];
  return {
    id: payment.id,
    merchantReference: payment.reference,
    status,
    trackingUrl: `/v1/tracks/payments/${payment.id}`,
    ...(status === 'pending'
      ? {
          reason: { code: 'required_next_step', description: 'An additional step is needed to complete the payment.' },
          nextStep: { type: 'redirect', redirect: { method: 'get', url: `${context.url}/wallet/${payment.id}` } },
        }
      : status === 'declined'
        ? { reason: DECLINED }
        : {}),
  };
}

/** The body a create was made with, by idempotency key: the same key with another body is a conflict. */
const bodiesByKey = new WeakMap<SandboxContext, Map<string, string>>();

/** Refunds by idempotency key, per sandbox: the same key gives back the same refund. */
const refundsByKey = new WeakMap<SandboxContext, Map<string, { id: string; payment: string }>>();

/**
 * POST /v1/payments/{id}/refunds: of a captured payment, at most what is left, and (the AlipayHK
 * page) only one partial refund. The body is the sandbox's choice, as the adapter's: { amount }.
 */
function refundPayment(res: ServerResponse, paymentId: string, raw: Buffer, key: string | null, context: SandboxContext): true {
  const payment = context.payments.get(paymentId);
  if (!payment) return problem(res, 404, 'not_found', 'Payment not found');
  const byKey = refundsByKey.get(context) ?? new Map<string, { id: string; payment: string }>();
  refundsByKey.set(context, byKey);
  const earlier = key !== null ? byKey.get(key) : undefined;
  if (earlier) {
    sendJson(res, 201, { id: earlier.id, paymentId: earlier.payment, status: 'pending' });
    return true;
  }
  let body: any;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return problem(res, 400, 'invalid_request', 'body is not JSON');
  }
  if (payment.outcome !== 'approve') return problem(res, 422, 'invalid_state', 'Only a captured payment can be refunded');
  const refunds = payment.refunds ?? [];
  const left = payment.amount.value - refundedOf(payment);
  const amount = body?.amount?.value;
  if (!isIntegerIn(amount, 1, left) || body.amount.currency !== 'hkd') return problem(res, 422, 'invalid_amount', `amount.value must be 1 to ${left} cents of hkd`);
  if (amount < left && refunds.some((earlierAmount) => earlierAmount < payment.amount.value)) return problem(res, 422, 'partial_refund_limit', 'Only one partial refund is allowed');
  payment.refunds = [...refunds, amount];
  const id = ksuid();
  if (key !== null) byKey.set(key, { id, payment: paymentId });
  sendJson(res, 201, { id, paymentId, status: 'pending' });
  return true;
}

export const nomupayDialect: SandboxDialect = {
  factory: 'nomupay',
  defaultCredentials: {
    privateKey: demoKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: ksuid(),
    processingAccountId: '2HdN2jq6XWmlkhqRC2gDTNYCvNH',
    webhookSecret: 'nomu_whsec_alipayhk_checkout_sandbox_0123456789',
    webhookKeyId: ksuid(),
  },
  adapterOptions: ({ credentials }, webhookUrl) => ({
    privateKey: credentials.privateKey,
    keyId: credentials.keyId,
    processingAccountId: credentials.processingAccountId,
    webhookSecret: credentials.webhookSecret,
    webhookUrl,
    amountUnit: 'minor',
    mode: 'sandbox',
  }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const read = url.pathname.match(/^\/v1\/(?:payments|tracks\/payments)\/([A-Za-z0-9]+)$/);
    const refund = url.pathname.match(/^\/v1\/payments\/([A-Za-z0-9]+)\/refunds$/);
    const isCreate = url.pathname === '/v1/payments' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET') && !(refund && req.method === 'POST')) return false;
    const publicKey = createPublicKey(context.credentials.privateKey!);
    const signature = req.headers['x-signature'];
    const unsigned = nomupaySignatureProblem(typeof signature === 'string' ? signature : undefined, {
      method: req.method!,
      pathAndQuery: req.url ?? '/',
      body: raw,
      keyId: context.credentials.keyId!,
      publicKey,
    });
    if (unsigned) return problem(res, 401, 'unauthorized', unsigned);
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) return problem(res, 404, 'not_found', 'Payment not found');
      sendJson(res, 200, render(payment, context));
      return true;
    }
    if (refund) return refundPayment(res, refund[1]!, raw, url.searchParams.get('idempotencyKey'), context);
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return problem(res, 400, 'invalid_request', 'body is not JSON');
    }
    const key = url.searchParams.get('idempotencyKey');
    if (key !== null && (key.length < 8 || key.length > 50)) return problem(res, 400, 'invalid_request', 'idempotencyKey must be 8 to 50 characters');
    const bodies = bodiesByKey.get(context) ?? new Map<string, string>();
    bodiesByKey.set(context, bodies);
    const earlier = key !== null ? context.idempotency.get(key) : undefined;
    if (key !== null && earlier && context.payments.has(earlier)) {
      if (bodies.get(key) !== raw.toString('utf8')) return problem(res, 409, 'conflict', 'idempotencyKey was used with another request');
      sendJson(res, 201, render(context.payments.get(earlier)!, context));
      return true;
    }
    const problems = nomupayRequestErrors(body, context.credentials.processingAccountId!);
    if (problems.length > 0) {
      sendJson(res, 400, { reason: { code: 'invalid_request', description: problems.join('; ') }, errors: problems });
      return true;
    }
    const id = ksuid();
    const returnUrl = body.paymentMethod.alipayHk.returnUrl;
    const payment = context.newPayment(
      {
        amount: { value: body.amount.value, currency: 'HKD' },
        reference: body.merchantReference,
        returnTo: { approve: returnUrl, decline: returnUrl, expire: returnUrl },
        // qr_link: "the returned redirection URL is a QR link", a page that shows the QR.
        showsQr: body.paymentMethod.alipayHk.flowType === 'qr_link',
        request: body,
      },
      id,
    );
    if (key !== null) {
      context.idempotency.set(key, id);
      bodies.set(key, raw.toString('utf8'));
    }
    sendJson(res, 201, render(payment, context));
    return true;
  },

  async webhook(payment, context) {
    const body = JSON.stringify({ id: randomId('').slice(0, 27), type: 'payment', payload: render(payment, context), live: false });
    const header = Buffer.from(
      JSON.stringify({ alg: 'HS256', kid: context.credentials.webhookKeyId, aud: context.webhookUrl, exp: Math.floor(Date.now() / 1000) + 5 * 60 }),
    ).toString('base64url');
    const mac = createHmac('sha256', Buffer.from(context.credentials.webhookSecret!, 'utf8'))
      .update(`${header}.${Buffer.from(body).toString('base64url')}`)
      .digest('base64url');
    return { headers: { 'X-Signature': `${header}..${mac}` }, body };
  },
};
