// The payment sessions themselves (SPEC §7), without HTTP: create one for an order, find it, apply
// what the provider answers (forward only, and only for this order's money), tell the merchant's
// server of each change through an outbox, and reconcile the sessions whose outcome is overdue.
// The HTTP layer (handler.ts) and the merchant's own calls (handler.getSession, reconcile) are two
// doors to these same operations.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';
import { idempotentAttempts, type Claim } from './idempotency.js';
import { mismatchOf } from './payment-match.js';
import { ProviderRequestError, type Logger, type PaymentProvider, type ProviderPaymentState, type ProviderWebhookEvent, type ProviderWebhookNotice } from './providers/types.js';
import type { SessionStore } from './store.js';
import type { Environment, Order, PaymentStatus, SessionInfo, StoredSession } from './types.js';

export interface OrderRequest {
  /** The page's `context`, as sent: untrusted input (an order id, a cart id…). */
  context: unknown;
  environment: Environment;
  locale?: string;
  request: IncomingMessage;
}

/** Thrown by the merchant's `order` callback to refuse a payment with a status and a code. */
export class OrderError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code = 'order_rejected',
  ) {
    super(message);
  }
}

/** What `onStatusChange` is told: one change of one session, with an id stable across retries. */
export interface StatusChange {
  eventId: string;
  session: SessionInfo;
  previous: PaymentStatus;
}

export interface PaymentSessionsOptions {
  provider: PaymentProvider;
  /** Keeps this handler's Idempotency-Keys apart from another's on a shared store. */
  namespace: string;
  store: SessionStore;
  order(request: OrderRequest): Order | Promise<Order>;
  returnUrl: string;
  sessionTtlMs: number;
  paymentLifetimeMs?: number;
  providerCheckIntervalMs: number;
  claimLeaseMs: number;
  /** Called once for each status change, retried until it returns (SPEC §7). */
  onStatusChange?: (change: StatusChange) => unknown;
  /** 0: no timer (call reconcile() from a scheduler); the first check of a session is then due after a minute. */
  reconcileIntervalMs: number;
  /** Told of each change this process applies (the open status streams). */
  notify(session: StoredSession): void;
  logger: Logger;
}

export interface CreateRequest {
  idempotencyKey: string;
  /** Of the request body: the same key with another body is refused. */
  fingerprint: string;
  context: unknown;
  environment: Environment;
  locale?: string;
  request: IncomingMessage;
  userAgent?: string;
}

/** How long a create with the same Idempotency-Key as another process's waits for it. */
const IDEMPOTENT_WAIT_MS = 20_000;
export const SESSION_ID = /^cs_[0-9a-f]{32}$/;
const AMOUNT_MISMATCH = { failureCode: 'amount_mismatch', failureMessage: 'The payment does not match this order.' };
/** The store's list of sessions that need the reconciler: pending ones, and undelivered reports. */
const ATTENTION = 'attention';
/** How many due sessions one reconciliation looks at. */
const RECONCILE_BATCH = 100;
/** How long one process holds a session it reconciles, or whose reports it delivers. */
const LEASE_MS = 60_000;
/** The longest pause between two checks of a pending session, and between two deliveries of a report. */
const LONGEST_PAUSE_MS = 30 * 60_000;

function newSessionId(): string {
  return `cs_${randomBytes(16).toString('hex')}`; // 128 random bits
}

function checkOrder(order: Order): void {
  const bad = (message: string) => new OrderError(`order() returned ${message}`, 500, 'invalid_order');
  if (!order || typeof order !== 'object') throw bad('nothing');
  if (!Number.isSafeInteger(order.amount?.value) || order.amount.value <= 0) throw bad('an amount.value that is not a positive integer');
  if (!/^[A-Z]{3}$/.test(order.amount?.currency ?? '')) throw bad('an amount.currency that is not ISO 4217');
  if (typeof order.reference !== 'string' || order.reference === '') throw bad('no reference');
}

/** What the merchant's server sees of a session. */
export function sessionInfo(session: StoredSession): SessionInfo {
  return {
    id: session.id,
    status: session.status,
    amount: session.amount,
    reference: session.reference,
    provider: session.provider,
    providerPaymentId: session.providerPaymentId,
    refundedAmount: session.refundedAmount ?? 0,
    ...(session.failureCode ? { failureCode: session.failureCode } : {}),
    ...(session.failureMessage ? { failureMessage: session.failureMessage } : {}),
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

export function paymentSessions(options: PaymentSessionsOptions) {
  const { store, provider, logger } = options;
  const ttl = options.sessionTtlMs;
  const providerCheckInterval = options.providerCheckIntervalMs;
  const firstCheckAfterMs = options.reconcileIntervalMs || 60_000;
  /** When each pending session last asked the provider, in this process. */
  const lastProviderCheck = new Map<string, number>();
  let nextPruneAt = 0;
  const sessionKey = (id: string) => `session:${id}`;
  const paymentKey = (paymentId: string) => `payment:${provider.name}:${paymentId}`;
  /** Timers of this process: deferred provider checks (an Omise notice inside the interval) and report retries. */
  const deferredChecks = new Map<string, ReturnType<typeof setTimeout>>();
  const deliveryRetries = new Map<string, ReturnType<typeof setTimeout>>();
  /** Failed deliveries so far, by report, in this process: the pause before the next one doubles. */
  const deliveryFailures = new Map<string, number>();
  let closed = false;
  const attempts = idempotentAttempts<StoredSession>({
    store,
    namespace: options.namespace,
    doneTtlMs: ttl,
    leaseMs: options.claimLeaseMs,
    waitMs: IDEMPOTENT_WAIT_MS,
    newSessionId,
    // Nothing a retry could get back: refused by the merchant's order() or our own limits before the
    // provider was asked, or answered with a payment that was not this order's (amount_mismatch,
    // payment_conflict), which the next attempt must not get back under the same provider key.
    leftNothing: (error) => error instanceof OrderError || error instanceof ProviderRequestError || error instanceof HttpError,
    logger,
  });

  /** Runs `work` holding a short lease on `name` in the store; false when another process holds it. */
  async function withLease(name: string, work: () => Promise<void>): Promise<boolean> {
    const key = `lease:${name}`;
    const token = randomUUID();
    if (!(await store.create(key, token, LEASE_MS))) return false;
    try {
      await work();
    } finally {
      const held = await store.get<string>(key).catch(() => undefined);
      if (held?.value === token) await store.updateIfVersion(key, held.version, token, 1).catch(() => false);
    }
    return true;
  }

  /**
   * Applies a provider answer: only from pending to a final status, each event once, and only
   * when what the answer states of the payment (amount, currency, reference) is this session's;
   * an answer about other money fails the session with `amount_mismatch`, whatever its status.
   * The change and the duty to report it (the outbox) are one write.
   */
  async function applyStatus(sessionId: string, update: ProviderPaymentState & { eventId?: string }): Promise<StoredSession | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) return undefined;
      const session = current.value;
      const alreadyApplied = update.eventId !== undefined && session.appliedEvents.includes(update.eventId);
      if (alreadyApplied || session.status !== 'pending') return session;
      const mismatch = mismatchOf(session, update);
      if (mismatch) {
        logger.error(`alipayhk-checkout: session ${session.id}: ${provider.name} payment ${session.providerPaymentId} states ${mismatch}; the session fails (amount_mismatch)`);
      } else if (update.status === 'pending') return session;
      const status: PaymentStatus = mismatch ? 'failed' : update.status;
      const next: StoredSession = {
        ...session,
        status,
        ...(mismatch ? AMOUNT_MISMATCH : status === 'failed' ? { failureCode: update.failureCode ?? 'failed', failureMessage: update.failureMessage } : {}),
        appliedEvents: update.eventId ? [...session.appliedEvents, update.eventId].slice(-20) : session.appliedEvents,
        ...(options.onStatusChange ? { outbox: [...(session.outbox ?? []), { eventId: `${session.id}.${status}`, previous: session.status }] } : {}),
        updatedAt: new Date().toISOString(),
      };
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, next, ttl)) {
        options.notify(next);
        if (next.outbox?.length) void deliver(sessionId);
        return next;
      }
    }
    throw new Error(`session ${sessionId} kept changing under a status update`);
  }

  /**
   * Tells the merchant's server of the session's undelivered changes, oldest first, each removed
   * only once the hook returned. One process at a time (a lease); a hook that throws is retried
   * after a pause that doubles, by this process and, should it die, by any reconciler.
   */
  async function deliver(sessionId: string): Promise<void> {
    const hook = options.onStatusChange;
    if (!hook || closed) return;
    await withLease(`deliver:${sessionId}`, async () => {
      for (;;) {
        const current = await store.get<StoredSession>(sessionKey(sessionId));
        const report = current?.value.outbox?.[0];
        if (!current || !report) return;
        try {
          await hook({ eventId: report.eventId, session: sessionInfo(current.value), previous: report.previous });
        } catch (error) {
          const failures = (deliveryFailures.get(report.eventId) ?? 0) + 1;
          deliveryFailures.set(report.eventId, failures);
          const pauseMs = Math.min(1000 * 2 ** (failures - 1), LONGEST_PAUSE_MS);
          logger.error(`alipayhk-checkout: onStatusChange(${report.eventId}) threw (${(error as Error)?.message ?? error}); retried in ${pauseMs} ms`);
          await store.schedule(ATTENTION, sessionId, Date.now() + pauseMs);
          retryDelivery(sessionId, pauseMs);
          return;
        }
        deliveryFailures.delete(report.eventId);
        await removeReport(sessionId, report.eventId);
      }
    }).catch((error) => logger.error(`alipayhk-checkout: delivering the changes of ${sessionId}: ${(error as Error).message}`));
  }

  function retryDelivery(sessionId: string, pauseMs: number): void {
    clearTimeout(deliveryRetries.get(sessionId));
    const timer = setTimeout(() => {
      deliveryRetries.delete(sessionId);
      void deliver(sessionId);
    }, pauseMs);
    timer.unref?.();
    deliveryRetries.set(sessionId, timer);
  }

  async function removeReport(sessionId: string, eventId: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) return;
      const outbox = (current.value.outbox ?? []).filter((report) => report.eventId !== eventId);
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, { ...current.value, outbox }, ttl)) return;
    }
  }

  /** The work of one create attempt: the merchant's order, the provider's payment, the session. */
  async function newSession(claim: Claim, request: CreateRequest): Promise<StoredSession> {
    const { environment, locale } = request;
    const order = await options.order({ context: request.context, environment, locale, request: request.request });
    checkOrder(order);
    const payment = await provider.createPayment({
      sessionId: claim.sessionId,
      amount: order.amount,
      reference: order.reference,
      description: order.description,
      environment,
      returnUrl: options.returnUrl,
      idempotencyKey: claim.providerKey,
      locale,
      userAgent: request.userAgent,
    });
    // A payment that is not for this order's money is never shown to the shopper: the attempt is
    // forgotten, and the widget's retry makes a payment of its own under a new provider key.
    const mismatch = mismatchOf({ amount: order.amount, providerReference: payment.providerReference }, payment);
    if (mismatch) {
      logger.error(`alipayhk-checkout: ${provider.name} answered the create of session ${claim.sessionId} with payment ${payment.paymentId}, which states ${mismatch}`);
      throw new HttpError(502, 'amount_mismatch', 'The payment provider answered with a payment that does not match this order; try again');
    }
    const now = new Date();
    const expiresAt =
      payment.expiresAt ?? (options.paymentLifetimeMs ? new Date(now.getTime() + options.paymentLifetimeMs).toISOString() : undefined);
    const session: StoredSession = {
      id: claim.sessionId,
      provider: provider.name,
      providerPaymentId: payment.paymentId,
      providerReference: payment.providerReference,
      amount: order.amount,
      reference: order.reference,
      ...(order.description ? { description: order.description } : {}),
      ...(order.merchantName ? { merchantName: order.merchantName } : {}),
      environment,
      flow: payment.flow ?? environment.flow,
      ...(payment.qrCode ? { qrCode: payment.qrCode } : {}),
      ...(payment.redirectUrl ? { redirectUrl: payment.redirectUrl } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      status: payment.status,
      appliedEvents: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    // One payment, one session: a provider payment already bound to another session is not ours to show.
    const linkKey = paymentKey(payment.eventKey ?? payment.paymentId);
    if (!(await store.create(linkKey, { sessionId: session.id }, ttl))) {
      const link = await store.get<{ sessionId: string }>(linkKey);
      if (link?.value.sessionId !== session.id) {
        logger.error(`alipayhk-checkout: ${provider.name} payment ${payment.paymentId} belongs to another session; session ${session.id} is not created`);
        throw new HttpError(409, 'payment_conflict', 'The payment provider answered with a payment that belongs to another session');
      }
    }
    // An earlier attempt under this claim may have written the session before it failed: that one stands.
    if (!(await store.create(sessionKey(session.id), session, ttl))) {
      const earlier = await store.get<StoredSession>(sessionKey(session.id));
      if (earlier) return earlier.value;
    }
    // The reconciler asks about it if no outcome has come by then (the webhook lost, the shopper gone).
    await store.schedule(ATTENTION, session.id, now.getTime() + firstCheckAfterMs);
    return session;
  }

  /** Forgets old provider-check times now and then, not on every request: this is the polling hot path. */
  function pruneProviderChecks(now: number): void {
    if (lastProviderCheck.size <= 10_000 || now < nextPruneAt) return;
    nextPruneAt = now + Math.max(providerCheckInterval, 1000);
    for (const [id, at] of lastProviderCheck) if (now - at > providerCheckInterval) lastProviderCheck.delete(id);
  }

  /** How long until this process may ask the provider about the session again (0: now). */
  function providerCheckWait(sessionId: string, now: number): number {
    return Math.max(0, (lastProviderCheck.get(sessionId) ?? -Infinity) + providerCheckInterval - now);
  }

  /** Asks the provider about a pending session and applies the answer. Throws when the provider fails. */
  async function askProvider(session: StoredSession): Promise<StoredSession> {
    const now = Date.now();
    lastProviderCheck.set(session.id, now);
    pruneProviderChecks(now);
    const state = await provider.getPayment(session.providerPaymentId);
    return (await applyStatus(session.id, state)) ?? session;
  }

  /** The session as stored, after asking the provider if a pending one has not been checked lately. */
  async function checked(session: StoredSession): Promise<StoredSession> {
    if (session.status !== 'pending' || providerCheckWait(session.id, Date.now()) > 0) return session;
    try {
      return await askProvider(session);
    } catch (error) {
      // The stored status still stands; the widget asks again.
      logger.warn(`alipayhk-checkout: status of ${session.id} from ${provider.name} failed: ${(error as Error).message}`);
      return session;
    }
  }

  /** One provider check at the end of the current interval, however many notices ask for it. */
  function checkLater(sessionId: string, delayMs: number): void {
    if (deferredChecks.has(sessionId) || closed) return;
    const timer = setTimeout(async () => {
      deferredChecks.delete(sessionId);
      try {
        const stored = await store.get<StoredSession>(sessionKey(sessionId));
        // A status poll may have asked since: its answer came after the notice, and this check is not due.
        if (stored?.value.status === 'pending' && providerCheckWait(sessionId, Date.now()) === 0) await askProvider(stored.value);
      } catch (error) {
        logger.warn(`alipayhk-checkout: deferred status check of ${sessionId}: ${(error as Error).message}`);
      }
    }, delayMs + 1); // timers may fire a millisecond early; the check must be due by then
    timer.unref?.();
    deferredChecks.set(sessionId, timer);
  }

  /** When the reconciler should look at a pending session again: later the older it is. */
  function nextCheckAt(session: StoredSession, now: number): number {
    const age = now - Date.parse(session.createdAt);
    return now + Math.min(Math.max(firstCheckAfterMs, age), LONGEST_PAUSE_MS);
  }

  let reconciling: Promise<{ checked: number; changed: number }> | undefined;

  async function reconcileOnce(): Promise<{ checked: number; changed: number }> {
    let checkedCount = 0;
    let changed = 0;
    for (const sessionId of await store.due(ATTENTION, Date.now(), RECONCILE_BATCH)) {
      await withLease(`reconcile:${sessionId}`, async () => {
        const stored = await store.get<StoredSession>(sessionKey(sessionId));
        if (!stored) return store.unschedule(ATTENTION, sessionId);
        if (stored.value.status === 'pending') {
          checkedCount++;
          try {
            if ((await askProvider(stored.value)).status !== 'pending') changed++;
          } catch (error) {
            logger.warn(`alipayhk-checkout: reconciling ${sessionId} with ${provider.name}: ${(error as Error).message}`);
          }
        }
        await deliver(sessionId);
        const latest = (await store.get<StoredSession>(sessionKey(sessionId)))?.value;
        const now = Date.now();
        if (!latest || (latest.status !== 'pending' && !latest.outbox?.length)) await store.unschedule(ATTENTION, sessionId);
        else if (latest.status === 'pending') await store.schedule(ATTENTION, sessionId, nextCheckAt(latest, now));
        // Undelivered reports: deliver() rescheduled them after its failure.
      });
    }
    return { checked: checkedCount, changed };
  }

  const reconcileTimer =
    options.reconcileIntervalMs > 0
      ? setInterval(() => {
          void reconcile().catch((error) => logger.error(`alipayhk-checkout: reconciliation failed: ${(error as Error).message}`));
        }, options.reconcileIntervalMs)
      : undefined;
  reconcileTimer?.unref?.();

  /** Asks the provider about the pending sessions whose outcome is overdue, and delivers undelivered reports. */
  function reconcile(): Promise<{ checked: number; changed: number }> {
    // One run at a time in a process; a call during one gets its result.
    reconciling ??= reconcileOnce().finally(() => (reconciling = undefined));
    return reconciling;
  }

  return {
    create(request: CreateRequest) {
      return attempts.run(
        request.idempotencyKey,
        request.fingerprint,
        (claim) => newSession(claim, request),
        async (sessionId) => (await store.get<StoredSession>(sessionKey(sessionId)))?.value,
      );
    },

    /** The session, or a 404 that says nothing about why. */
    async find(sessionId: string): Promise<StoredSession> {
      const stored = SESSION_ID.test(sessionId) ? await store.get<StoredSession>(sessionKey(sessionId)) : undefined;
      if (!stored) throw new HttpError(404, 'session_not_found', 'No such session');
      return stored.value;
    },

    async read(sessionId: string): Promise<StoredSession | undefined> {
      return (await store.get<StoredSession>(sessionKey(sessionId)))?.value;
    },

    checked,

    /**
     * Applies a verified webhook. A notice (an event whose contents prove nothing) makes the
     * provider be asked about a payment of ours, at most once per interval; a provider failure
     * then throws, so that the provider sends it again. True when it changed the session.
     */
    async receive(event: ProviderWebhookEvent | ProviderWebhookNotice): Promise<boolean> {
      const link = await store.get<{ sessionId: string }>(paymentKey('unsigned' in event ? event.paymentId : (event.eventKey ?? event.paymentId)));
      if (!link) return false;
      if ('unsigned' in event) {
        const stored = await store.get<StoredSession>(sessionKey(link.value.sessionId));
        if (!stored || stored.value.status !== 'pending') return false;
        const wait = providerCheckWait(stored.value.id, Date.now());
        if (wait > 0) {
          checkLater(stored.value.id, wait);
          return false;
        }
        return (await askProvider(stored.value)).status !== 'pending';
      }
      const session = await applyStatus(link.value.sessionId, event);
      return session?.status === event.status;
    },

    async getSession(sessionId: string): Promise<SessionInfo | undefined> {
      if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return undefined;
      const stored = await store.get<StoredSession>(sessionKey(sessionId));
      return stored ? sessionInfo(stored.value) : undefined;
    },

    reconcile,

    /** Stops this process's timers; what they would have done is left to the reconciler. */
    async close(): Promise<void> {
      closed = true;
      clearInterval(reconcileTimer);
      for (const timer of [...deferredChecks.values(), ...deliveryRetries.values()]) clearTimeout(timer);
      deferredChecks.clear();
      deliveryRetries.clear();
      await reconciling?.catch(() => undefined);
    },
  };
}
