// NomuPay's UP API as the sandbox speaks it: POST /v1/payments (Bearer key, Idempotency-Key),
// answers with nextStep.redirect.url and a trackingUrl, GET /v1/payments/{id}, and webhooks
// as HS256 JWS (signed with `jose`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CompactSign } from 'jose';
import { sendJson } from '../http.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { bearer, isIntegerIn, isSafeUrl } from './validate.js';

const STATUS_OF = { approve: 'captured', decline: 'declined', expire: 'expired' } as const;
const DECLINED = { code: 'declined', description: 'The shopper declined the payment in AlipayHK.' };

function invalid(res: ServerResponse, problems: string[]): true {
  sendJson(res, 400, { reason: { code: 'invalid_request', description: problems.join('; ') }, errors: problems });
  return true;
}

export function nomupayRequestErrors(body: any, processingAccountId: string): string[] {
  const problems: string[] = [];
  if (body?.processingAccountId !== processingAccountId) problems.push('processingAccountId is unknown');
  if (typeof body?.merchantReference !== 'string' || body.merchantReference.length < 1 || body.merchantReference.length > 64) problems.push('merchantReference is required (1-64)');
  if (!isIntegerIn(body?.amount?.value, 10, 5_000_000)) problems.push('amount.value must be an integer from 10 (HKD 0.10)');
  if (body?.amount?.currency !== 'hkd') problems.push('amount.currency must be hkd');
  if (body?.paymentMethod?.type !== 'alipay_hk') problems.push('paymentMethod.type must be alipay_hk');
  if (!isSafeUrl(body?.paymentMethod?.alipayHk?.returnUrl)) problems.push('paymentMethod.alipayHk.returnUrl is invalid');
  if (!['qr_link', 'mobile_redirect'].includes(body?.paymentMethod?.alipayHk?.flowType)) problems.push('paymentMethod.alipayHk.flowType must be qr_link or mobile_redirect');
  return problems;
}

function render(payment: SandboxPayment, context: SandboxContext) {
  const status = payment.outcome ? STATUS_OF[payment.outcome] : 'pending';
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

export const nomupayDialect: SandboxDialect = {
  factory: 'nomupay',
  defaultCredentials: {
    apiKey: 'nomu_test_alipayhkcheckoutsandbox',
    processingAccountId: '2HdN2jq6XWmlkhqRC2gDTNYCvNH',
    webhookSecret: 'nomu_whsec_alipayhk_checkout_sandbox_0123456789',
  },
  adapterOptions: ({ credentials }) => ({ ...credentials }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/v1\/(?:payments|tracks\/payments)\/([A-Za-z0-9]+)$/);
    const isCreate = path === '/v1/payments' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET')) return false;
    if (bearer(req.headers.authorization) !== context.credentials.apiKey) {
      sendJson(res, 401, { reason: { code: 'unauthorized', description: 'Invalid API key' } });
      return true;
    }
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) sendJson(res, 404, { reason: { code: 'not_found', description: 'Payment not found' } });
      else sendJson(res, 200, render(payment, context));
      return true;
    }
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return invalid(res, ['body is not JSON']);
    }
    const key = req.headers['idempotency-key'];
    const earlier = typeof key === 'string' ? context.idempotency.get(key) : undefined;
    if (earlier && context.payments.has(earlier)) {
      sendJson(res, 201, render(context.payments.get(earlier)!, context));
      return true;
    }
    const problems = nomupayRequestErrors(body, context.credentials.processingAccountId!);
    if (problems.length > 0) return invalid(res, problems);
    const id = randomId('').slice(0, 27).replace(/^./, (c) => c.toUpperCase());
    const returnUrl = body.paymentMethod.alipayHk.returnUrl;
    const payment = context.newPayment(
      {
        amount: { value: body.amount.value, currency: 'HKD' },
        reference: body.merchantReference,
        returnTo: { approve: returnUrl, decline: returnUrl, expire: returnUrl },
        request: body,
      },
      id,
    );
    if (typeof key === 'string') context.idempotency.set(key, id);
    sendJson(res, 201, render(payment, context));
    return true;
  },

  async webhook(payment, context) {
    const event = { id: randomId('evt_'), type: 'payment.updated', createdAt: new Date().toISOString(), payment: render(payment, context) };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(event)))
      .setProtectedHeader({ alg: 'HS256', typ: 'JOSE' })
      .sign(new TextEncoder().encode(context.credentials.webhookSecret));
    return { headers: { 'Content-Type': 'application/jose' }, body: jws };
  },
};
