// Checkout.com's API as the sandbox speaks it, written from its reference and checkout-sdk-node
// (not from the adapter): POST /payments (202, `_links.redirect.href`), GET /payments/{id}, 401
// with no body unless `Authorization: Bearer <secret key>`, 422 `request_invalid` with
// `error_codes`, Cko-Idempotency-Key, and webhooks signed with Cko-Signature. The key is shaped
// like a real sandbox key, so that checkout-sdk-node sends it as a Bearer token.
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { isSafeUrl, refundedOf, refundState } from './validate.js';
import { randomId, type SandboxContext, type SandboxDialect, type SandboxPayment } from './index.js';

/** The request checks Checkout.com documents for an alipay_hk payment, as its error codes. */
export function checkoutComRequestErrors(body: any, processingChannelId: string): string[] {
  const errors: string[] = [];
  if (body.amount === undefined) errors.push('amount_required');
  else if (!Number.isSafeInteger(body.amount) || body.amount < 1) errors.push('amount_invalid');
  if (body.currency === undefined) errors.push('currency_required');
  // Any ISO 4217 code: the AlipayHK page lists HKD and SGD, but its own request example pays in
  // EUR, so whether the API refuses other currencies is not known; the adapter sends HKD or SGD.
  else if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) errors.push('currency_invalid');
  if (body.source?.type !== 'alipay_hk') errors.push('source_type_invalid');
  const terminal = body.processing?.terminal_type;
  if (!['WEB', 'WAP', 'APP'].includes(terminal)) errors.push('processing_terminal_type_invalid');
  const os = body.processing?.os_type;
  if ((terminal === 'WAP' || terminal === 'APP') && os === undefined) errors.push('processing_os_type_required');
  if (os !== undefined && !['IOS', 'ANDROID'].includes(os)) errors.push('processing_os_type_invalid');
  if (body.success_url !== undefined && !isSafeUrl(body.success_url)) errors.push('success_url_invalid');
  if (body.failure_url !== undefined && !isSafeUrl(body.failure_url)) errors.push('failure_url_invalid');
  if (body.reference !== undefined && (typeof body.reference !== 'string' || body.reference.length > 50)) errors.push('reference_invalid');
  if (body.processing_channel_id === undefined) errors.push('processing_channel_id_required');
  else if (body.processing_channel_id !== processingChannelId) errors.push('processing_channel_id_invalid');
  return errors;
}

const STATUS_OF = { approve: 'Captured', decline: 'Declined', expire: 'Expired' } as const;
const WEBHOOK_OF = { approve: 'payment_captured', decline: 'payment_declined', expire: 'payment_expired' } as const;
const DECLINE = { response_code: '20005', response_summary: 'Declined - Do Not Honour' };

const REFUND_STATUS = { partial: 'Partially Refunded', full: 'Refunded' } as const;

function render(payment: SandboxPayment, context: SandboxContext) {
  const refunded = refundedOf(payment);
  const refund = refundState(payment);
  const status = !payment.outcome ? 'Pending' : refund !== 'none' ? REFUND_STATUS[refund] : STATUS_OF[payment.outcome];
  return {
    id: payment.id,
    requested_on: payment.createdAt,
    source: { type: 'alipay_hk' },
    amount: payment.amount.value,
    currency: payment.amount.currency,
    payment_type: 'Regular',
    reference: payment.reference,
    status,
    approved: payment.outcome === 'approve',
    balances: { total_refunded: refunded, available_to_refund: payment.outcome === 'approve' ? payment.amount.value - refunded : 0 },
    ...(payment.outcome === 'decline' ? DECLINE : {}),
    _links: {
      self: { href: `${context.url}/payments/${payment.id}` },
      ...(status === 'Pending' ? { redirect: { href: `${context.url}/wallet/${payment.id}` } } : {}),
    },
  };
}

/** Refund actions by Cko-Idempotency-Key, per sandbox. */
const refundsByKey = new WeakMap<SandboxContext, Map<string, { action_id: string; reference?: string; payment: string }>>();

/**
 * POST /payments/{id}/refunds: of a Captured payment, an amount (all that is left when there is
 * none, or no body at all, as checkout-sdk-node sends it) up to what is left; 202 { action_id }.
 */
function refundPayment(req: IncomingMessage, res: ServerResponse, raw: Buffer, payment: SandboxPayment | undefined, context: SandboxContext, requestId: string): true {
  if (!payment) {
    res.writeHead(404, { 'Cko-Request-Id': requestId });
    res.end();
    return true;
  }
  const byKey = refundsByKey.get(context) ?? new Map<string, { action_id: string; reference?: string; payment: string }>();
  refundsByKey.set(context, byKey);
  const key = req.headers['cko-idempotency-key'];
  const answer = (action: { action_id: string; reference?: string }) =>
    sendJson(res, 202, { ...action, _links: { payment: { href: `${context.url}/payments/${payment.id}` } } });
  const earlier = typeof key === 'string' ? byKey.get(key) : undefined;
  if (earlier) {
    answer(earlier);
    return true;
  }
  let body: any = {};
  try {
    body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    sendJson(res, 400, { request_id: requestId, error_type: 'request_malformed', error_codes: ['request_body_malformed'] });
    return true;
  }
  if (payment.outcome !== 'approve') {
    res.writeHead(403, { 'Cko-Request-Id': requestId });
    res.end();
    return true;
  }
  const left = payment.amount.value - refundedOf(payment);
  const amount = body?.amount ?? left;
  const errors: string[] = [];
  if (!Number.isSafeInteger(amount) || amount < 1) errors.push('amount_invalid');
  else if (amount > left) errors.push('amount_exceeds_balance');
  if (body?.reference !== undefined && (typeof body.reference !== 'string' || body.reference.length > 50)) errors.push('reference_invalid');
  if (errors.length > 0) {
    sendJson(res, 422, { request_id: requestId, error_type: 'request_invalid', error_codes: errors });
    return true;
  }
  payment.refunds = [...(payment.refunds ?? []), amount];
  const action = { action_id: randomId('act_'), ...(typeof body?.reference === 'string' ? { reference: body.reference } : {}), payment: payment.id };
  if (typeof key === 'string') byKey.set(key, action);
  answer(action);
  return true;
}

export const checkoutComDialect: SandboxDialect = {
  factory: 'checkoutCom',
  defaultCredentials: {
    secretKey: 'sk_sbox_alipayhkcheckoutsandboxkey2',
    webhookSecret: 'whsec_alipayhk_checkout_sandbox',
    processingChannelId: 'pc_sandbox0alipayhk0checkout',
  },
  adapterOptions: ({ credentials }) => ({ ...credentials }),

  async handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer, context: SandboxContext) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const isCreate = path === '/payments' && req.method === 'POST';
    const read = path.match(/^\/payments\/(pay_[a-z2-7]+)$/);
    const refund = path.match(/^\/payments\/(pay_[a-z2-7]+)\/refunds$/);
    if (!isCreate && !(read && req.method === 'GET') && !(refund && req.method === 'POST')) return false;
    const requestId = randomId('req_');
    if (req.headers.authorization !== `Bearer ${context.credentials.secretKey}`) {
      res.writeHead(401, { 'Cko-Request-Id': requestId });
      res.end();
      return true;
    }
    if (refund) return refundPayment(req, res, raw, context.payments.get(refund[1]!), context, requestId);
    if (read) {
      const payment = context.payments.get(read[1]!);
      if (!payment) {
        res.writeHead(404, { 'Cko-Request-Id': requestId });
        res.end();
      } else sendJson(res, 200, render(payment, context));
      return true;
    }
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { request_id: requestId, error_type: 'request_malformed', error_codes: ['request_body_malformed'] });
      return true;
    }
    const key = req.headers['cko-idempotency-key'];
    const earlier = typeof key === 'string' ? context.idempotency.get(key) : undefined;
    if (earlier && context.payments.has(earlier)) {
      const payment = context.payments.get(earlier)!;
      sendJson(res, 202, { id: payment.id, status: 'Pending', reference: payment.reference, _links: render(payment, context)._links });
      return true;
    }
    const errors = checkoutComRequestErrors(body ?? {}, context.credentials.processingChannelId!);
    if (errors.length > 0) {
      sendJson(res, 422, { request_id: requestId, error_type: 'request_invalid', error_codes: errors });
      return true;
    }
    const id = randomId('pay_');
    const payment = context.newPayment(
      {
        amount: { value: body.amount, currency: body.currency },
        reference: body.reference ?? id,
        // The browser was sent to Alipay+'s page on every terminal type, and comes back from it.
        returnTo: { approve: body.success_url, decline: body.failure_url, expire: body.failure_url },
        // On WEB, that page shows the QR itself.
        showsQr: body.processing.terminal_type === 'WEB',
        request: body,
      },
      id,
    );
    if (typeof key === 'string') context.idempotency.set(key, id);
    sendJson(res, 202, { id, status: 'Pending', reference: payment.reference, _links: render(payment, context)._links });
    return true;
  },

  async webhook(payment, context) {
    const outcome = payment.outcome!;
    const body = JSON.stringify({
      id: randomId('evt_'),
      type: WEBHOOK_OF[outcome],
      created_on: new Date().toISOString(),
      data: {
        id: payment.id,
        amount: payment.amount.value,
        currency: payment.amount.currency,
        reference: payment.reference,
        ...(outcome === 'decline' ? DECLINE : {}),
      },
    });
    return { headers: { 'Cko-Signature': createHmac('sha256', context.credentials.webhookSecret!).update(body).digest('hex') }, body };
  },
};
