// UQPAY's acquiring API (UPAS) as the sandbox speaks it, written from UQPAY's reference with
// node:crypto (not from the adapter): the headers clientId, signType, signId, sign and requestId
// (a requestId used twice is refused), the SHA signing rule (empty fields dropped, keys in ASCII
// order, key=value&…, nested objects as |k=v&…|, then key=<transaction key>), PAY for ALIPAY_HK
// CASHIER_PAYMENT with goods.description and riskData.Device.os, expireAt under 72 h, payAction
// QRCODE for a desktop OS and REDIRECT for IOS / ANDROID, DETAIL, and notifications signed with the
// notification key. Where the reference stops, the sandbox makes the same choices as the adapter's
// defaults, and the README lists them as assumed: paths /pay and /detail, SHA-256 in lower-case
// hex with "&key=", amounts in minor units, a { respCode, respMsg, data } envelope, the
// notification's signature in a `sign` header, and expireAt in Hong Kong time.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';
import { isIntegerIn, isSafeUrl, refundedOf } from './validate.js';

const STATUS_OF = { approve: 'success', decline: 'fail', expire: 'closed' } as const;
const EXPIRE_AT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const HONG_KONG_OFFSET_MS = 8 * 60 * 60_000;

/** The reference's SHA signing string, written again here so that the adapter's is checked, not copied. */
function signingString(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object') {
      const inner = signingString(value as Record<string, unknown>);
      if (inner !== '') parts.push(`${key}=|${inner}|`);
    } else parts.push(`${key}=${value}`);
  }
  return parts.join('&');
}

const shaSign = (fields: Record<string, unknown>, key: string) => createHash('sha256').update(`${signingString(fields)}&key=${key}`).digest('hex');

function answer(res: ServerResponse, status: number, respCode: string, respMsg: string, data?: unknown): true {
  sendJson(res, status, { respCode, respMsg, ...(data === undefined ? {} : { data }) });
  return true;
}

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
    const at = match ? Date.parse(`${body.expireAt.replace(' ', 'T')}Z`) - HONG_KONG_OFFSET_MS : NaN;
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
    uqOrderId: payment.id,
    merchantOrderId: payment.reference,
    amount: payment.amount.value,
    currency: payment.amount.currency,
    status,
    ...(status === 'fail' ? { errorCode: 'USER_DECLINED', errorMessage: 'The user declined the payment.' } : {}),
    ...(status === 'processing' ? { payAction: phone ? { type: 'REDIRECT', Url: walletUrl } : { type: 'QRCODE', redirectUrl: walletUrl } } : {}),
  };
}

/** requestIds already seen, per sandbox: "Request unique ID, non repeatable". */
const seenRequestIds = new WeakMap<SandboxContext, Set<string>>();

export const uqpayDialect: SandboxDialect = {
  factory: 'uqpay',
  defaultCredentials: {
    clientId: '100000001',
    signId: 'sign-id-sandbox-1',
    signKey: 'uq_transaction_key_alipayhk_sandbox',
    notificationKey: 'uq_notify_alipayhk_checkout_sandbox',
  },
  adapterOptions: ({ credentials }, webhookUrl) => ({
    clientId: credentials.clientId,
    signId: credentials.signId,
    signKey: credentials.signKey,
    notificationKey: credentials.notificationKey,
    notifyUrl: webhookUrl,
    amountUnit: 'minor',
    mode: 'sandbox',
    expiresInMs: 15 * 60_000,
  }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (req.method !== 'POST' || !['/pay', '/detail', '/refund', '/cancel'].includes(path)) return false;
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(res, 400, '100001', 'Request body is not JSON');
    }
    const { clientid: clientId, signtype: signType, signid: signId, sign, requestid: requestId } = req.headers;
    if (clientId !== context.credentials.clientId || signId !== context.credentials.signId) return answer(res, 401, '100002', 'Unknown clientId or signId');
    if (signType !== 'SHA') return answer(res, 401, '100003', 'signType must be SHA');
    if (typeof body !== 'object' || body === null || sign !== shaSign(body, context.credentials.signKey!)) return answer(res, 401, '100004', 'Signature verification failed');
    const seen = seenRequestIds.get(context) ?? new Set<string>();
    seenRequestIds.set(context, seen);
    if (typeof requestId !== 'string' || requestId === '' || seen.has(requestId)) return answer(res, 400, '100005', 'requestId is missing or repeated');
    seen.add(requestId);

    if (path === '/refund' || path === '/cancel') {
      const payment = typeof body.uqOrderId === 'string' ? context.payments.get(body.uqOrderId) : undefined;
      if (!payment) return answer(res, 200, '200001', 'Transaction does not exist');
      if (path === '/cancel') {
        // A full cancellation, the same day; an unpaid order is closed.
        if (payment.outcome && payment.outcome !== 'approve') return answer(res, 200, '200002', 'Transaction can not be cancelled');
        payment.cancelled = true;
        if (!payment.outcome) payment.outcome = 'expire';
        return answer(res, 200, '000000', 'Success', { uqOrderId: payment.id, status: 'closed' });
      }
      const left = payment.amount.value - refundedOf(payment);
      if (payment.outcome !== 'approve') return answer(res, 200, '200003', 'Transaction can not be refunded');
      if (!isIntegerIn(body.amount, 1, left) || body.currency !== payment.amount.currency) return answer(res, 400, '100006', `amount must be 1 to ${left}`);
      payment.refunds = [...(payment.refunds ?? []), body.amount];
      return answer(res, 200, '000000', 'Success', { uqOrderId: payment.id, refundId: randomId('R').toUpperCase(), status: 'success' });
    }
    if (path === '/detail') {
      const payment = typeof body.uqOrderId === 'string' ? context.payments.get(body.uqOrderId) : undefined;
      if (!payment) return answer(res, 200, '200001', 'Transaction does not exist');
      return answer(res, 200, '000000', 'Success', data(payment, context));
    }
    const problems = uqpayRequestErrors(body);
    if (problems.length > 0) return answer(res, 400, '100006', problems.join('; '));
    if ([...context.payments.values()].some((p) => p.reference === body.merchantOrderId)) return answer(res, 400, '100007', 'merchantOrderId is a duplicate');
    const id = randomId('UQ').toUpperCase();
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
    return answer(res, 200, '000000', 'Success', data(payment, context));
  },

  async webhook(payment, context) {
    const notification = { notifyId: randomId('N').toUpperCase(), notifyType: 'PAYMENT', data: data(payment, context) };
    return {
      headers: { sign: shaSign(notification, context.credentials.notificationKey!), signType: 'SHA', clientId: context.credentials.clientId! },
      body: JSON.stringify(notification),
      url: String((payment.request as any).notifyUrl),
    };
  },
};
