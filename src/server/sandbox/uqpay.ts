// UQPAY's PAY / DETAIL / NOTIFICATION as the sandbox speaks them (paths and envelope are our
// reading, see the README): POST /v1/payments/pay checks the seed's mandatory fields, answers
// with payAction QRCODE for a desktop OS and REDIRECT for IOS / ANDROID; notifications carry
// x-signature (HMAC-SHA256 of the body under the notification key).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { hmacSha256Hex } from '../providers/shared.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { isIntegerIn, isSafeUrl } from './validate.js';

const STATUS_OF = { approve: 'success', decline: 'fail', expire: 'closed' } as const;
const EXPIRE_AT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function uqpayRequestErrors(body: any, now = Date.now()): string[] {
  const problems: string[] = [];
  if (body?.paymentMethod !== 'ALIPAY_HK') problems.push('paymentMethod must be ALIPAY_HK');
  if (body?.product !== 'CASHIER_PAYMENT') problems.push('product must be CASHIER_PAYMENT');
  if (typeof body?.merchantOrderId !== 'string' || body.merchantOrderId === '') problems.push('merchantOrderId is required');
  if (!isIntegerIn(body?.amount, 1, 5_000_000)) problems.push('amount is invalid');
  if (body?.currency !== 'HKD') problems.push('currency must be HKD');
  if (typeof body?.goods?.description !== 'string' || body.goods.description === '') problems.push('goods.description is required for ALIPAY_HK');
  if (typeof body?.riskData?.Device?.os !== 'string' || body.riskData.Device.os === '') problems.push('riskData.Device.os is required for CASHIER_PAYMENT');
  if (body?.expireAt !== undefined) {
    const match = typeof body.expireAt === 'string' ? body.expireAt.match(EXPIRE_AT) : null;
    const at = match ? Date.parse(`${body.expireAt.replace(' ', 'T')}Z`) : NaN;
    if (Number.isNaN(at)) problems.push('expireAt must be yyyy-mm-dd hh:mm:ss');
    else if (at - now >= 72 * 60 * 60_000) problems.push('expireAt must be less than 72 hours ahead');
  }
  if (!isSafeUrl(body?.returnUrl)) problems.push('returnUrl is invalid');
  if (!isSafeUrl(body?.notifyUrl)) problems.push('notifyUrl is invalid');
  return problems;
}

function data(payment: SandboxPayment, context: SandboxContext) {
  const status = payment.outcome ? STATUS_OF[payment.outcome] : 'processing';
  const walletUrl = `${context.url}/wallet/${payment.id}`;
  const phone = ['IOS', 'ANDROID'].includes(String((payment.request as any).riskData?.Device?.os));
  return {
    paymentId: payment.id,
    merchantOrderId: payment.reference,
    amount: payment.amount.value,
    currency: payment.amount.currency,
    status,
    ...(status === 'fail' ? { errorCode: 'USER_DECLINED', errorMessage: 'The user declined the payment.' } : {}),
    ...(status === 'processing' ? { payAction: phone ? { type: 'REDIRECT', url: walletUrl } : { type: 'QRCODE', redirectUrl: walletUrl } } : {}),
  };
}

export const uqpayDialect: SandboxDialect = {
  factory: 'uqpay',
  defaultCredentials: { clientId: 'uq_client_sandbox', apiKey: 'uq_key_alipayhkcheckoutsandbox', notificationKey: 'uq_notify_alipayhk_checkout_sandbox' },
  adapterOptions: ({ credentials }, webhookUrl) => ({ ...credentials, notifyUrl: webhookUrl }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const read = path.match(/^\/v1\/payments\/(P[A-Z2-7]+)$/);
    const isCreate = path === '/v1/payments/pay' && req.method === 'POST';
    if (!isCreate && !(read && req.method === 'GET')) return false;
    if (req.headers['x-client-id'] !== context.credentials.clientId || req.headers['x-api-key'] !== context.credentials.apiKey) {
      sendJson(res, 401, { code: 'UNAUTHORIZED', message: 'invalid client id or api key' });
      return true;
    }
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) sendJson(res, 404, { code: 'ORDER_NOT_FOUND', message: 'payment not found' });
      else sendJson(res, 200, { code: 'SUCCESS', data: data(payment, context) });
      return true;
    }
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { code: 'PARAM_ERROR', message: 'body is not JSON' });
      return true;
    }
    const key = req.headers['x-idempotency-key'];
    const earlier = typeof key === 'string' ? context.idempotency.get(key) : undefined;
    if (earlier && context.payments.has(earlier)) {
      sendJson(res, 200, { code: 'SUCCESS', data: data(context.payments.get(earlier)!, context) });
      return true;
    }
    const problems = uqpayRequestErrors(body);
    if (problems.length > 0) {
      sendJson(res, 400, { code: 'PARAM_ERROR', message: problems.join('; ') });
      return true;
    }
    const id = randomId('P').toUpperCase();
    const phone = ['IOS', 'ANDROID'].includes(body.riskData.Device.os);
    const payment = context.newPayment(
      {
        amount: { value: body.amount, currency: body.currency },
        reference: body.merchantOrderId,
        returnTo: phone ? { approve: body.returnUrl, decline: body.returnUrl, expire: body.returnUrl } : undefined,
        request: body,
      },
      id,
    );
    if (typeof key === 'string') context.idempotency.set(key, id);
    sendJson(res, 200, { code: 'SUCCESS', data: data(payment, context) });
    return true;
  },

  async webhook(payment, context) {
    const body = JSON.stringify({ notifyId: randomId('N').toUpperCase(), notifyType: 'PAYMENT', data: data(payment, context) });
    return {
      headers: { 'x-signature': hmacSha256Hex(context.credentials.notificationKey!, body) },
      body,
      url: String((payment.request as any).notifyUrl),
    };
  },
};
