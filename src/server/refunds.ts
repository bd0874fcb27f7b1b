// Refunds (SPEC §7 `handler.refund`): money of a session that succeeded given back, never more than
// was paid and never twice. The amount is reserved in the session before the provider is asked,
// under a key unique to the refund; the answer decides: accepted (refundedAmount grows, the change
// is reported), refused (the amount is free again), or lost (it stays reserved: it may have gone
// through, and only the provider can say).
import { HttpError } from './http.js';
import { ProviderError, ProviderRequestError, type Logger, type PaymentProvider } from './providers/types.js';
import type { SessionStore } from './store.js';
import type { SessionInfo, StoredSession } from './types.js';

export interface RefundContext {
  store: SessionStore;
  provider: PaymentProvider;
  ttl: number;
  logger: Logger;
  sessionKey(sessionId: string): string;
  /** Writes a changed session with its report, if still at `current`'s version. */
  changeSession(current: { value: StoredSession; version: number }, next: StoredSession, eventId: string): Promise<boolean>;
  sessionInfo(session: StoredSession): SessionInfo;
}

/**
 * Gives back money of a session that succeeded: all that is left by default, never more than
 * was paid. The amount is reserved in the session first (so that two refunds cannot both take
 * the rest), then the provider is asked under a key unique to this refund; `refundedAmount`
 * grows, and the change is reported, once it accepted.
 */
export async function refundSession(context: RefundContext, sessionId: string, request: { amount?: number; reason?: string } = {}): Promise<SessionInfo> {
  const { store, provider, ttl, logger, sessionKey, changeSession, sessionInfo } = context;
  if (request.amount !== undefined && (!Number.isSafeInteger(request.amount) || request.amount <= 0)) {
    throw new TypeError('refund: options.amount must be a positive integer of minor units');
  }
  let reserved: { index: number; amount: number; session: StoredSession } | undefined;
  for (let attempt = 0; attempt < 10 && !reserved; attempt++) {
    const current = await store.get<StoredSession>(sessionKey(sessionId));
    if (!current) throw new HttpError(404, 'session_not_found', 'No such session');
    const session = current.value;
    if (session.status !== 'succeeded') throw new HttpError(409, 'not_refundable', `Only a session that succeeded can be refunded (this one is ${session.status})`);
    const refunds = session.refunds ?? [];
    if (refunds.some((r) => r.state === 'requested')) {
      throw new HttpError(409, 'refund_in_progress', 'Another refund of this session is being asked for, or its outcome was lost: check it at the provider');
    }
    const remaining = session.amount.value - refunds.filter((r) => r.state !== 'failed').reduce((sum, r) => sum + r.amount, 0);
    const amount = request.amount ?? remaining;
    if (amount <= 0 || amount > remaining) throw new HttpError(409, 'refund_exceeds_payment', `At most ${remaining} minor units are left to refund`);
    const next: StoredSession = { ...session, refunds: [...refunds, { amount, state: 'requested', ...(request.reason ? { reason: request.reason } : {}) }] };
    if (await store.updateIfVersion(sessionKey(sessionId), current.version, next, ttl)) reserved = { index: refunds.length, amount, session };
  }
  if (!reserved) throw new Error(`session ${sessionId} kept changing under a refund`);
  const { index, amount, session } = reserved;
  const settleRefund = async (change: (refunds: NonNullable<StoredSession['refunds']>, session: StoredSession) => StoredSession | undefined) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) return undefined;
      const next = change([...(current.value.refunds ?? [])], current.value);
      if (!next) return current.value;
      if (await changeSession(current, next, `${sessionId}.refund.${index + 1}`)) return next;
    }
    throw new Error(`session ${sessionId} kept changing under a refund`);
  };
  let accepted;
  try {
    accepted = await provider.refundPayment({
      paymentId: session.providerPaymentId,
      payment: { amount: { ...session.amount }, reference: session.providerReference ?? session.reference, sessionId },
      amount: { value: amount, currency: session.amount.currency },
      idempotencyKey: `${sessionId}-refund-${index + 1}`,
      ...(request.reason ? { reason: request.reason } : {}),
    });
  } catch (error) {
    const refused = error instanceof ProviderRequestError || (error instanceof ProviderError && (error.httpStatus ?? 0) >= 400 && (error.httpStatus ?? 0) < 500);
    if (!refused) {
      // No answer, or a 5xx: the provider may have refunded all the same. The amount stays
      // reserved, so that no second refund can take it again.
      logger.error(`alipayhk-checkout: refund ${index + 1} of ${sessionId}: the outcome is unknown (${(error as Error).message}); the amount stays reserved: check the refund at ${provider.name}`);
      throw error;
    }
    // Refused: the amount is free again. The entry stays, as failed, so that its key is never sent again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) break;
      const refunds = [...(current.value.refunds ?? [])];
      refunds[index] = { ...refunds[index]!, state: 'failed' };
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, { ...current.value, refunds }, ttl)) break;
    }
    throw error;
  }
  const next = await settleRefund((refunds, current) => {
    refunds[index] = { ...refunds[index]!, state: 'accepted', refundId: accepted.refundId };
    return { ...current, refunds, refundedAmount: (current.refundedAmount ?? 0) + amount, updatedAt: new Date().toISOString() };
  });
  return sessionInfo(next ?? session);
}
