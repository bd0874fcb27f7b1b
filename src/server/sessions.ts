// The payment sessions themselves (SPEC §7), without HTTP: create one for an order, find it, apply
// what the provider answers (forward only, and only for this order's money), tell the merchant's
// server of each change through an outbox, and reconcile the sessions whose outcome is overdue.
// The HTTP layer (handler.ts) and the merchant's own calls (handler.getSession, reconcile) are two
// doors to these same operations.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';
import { idempotentAttempts, type Claim } from './idempotency.js';
import { ATTENTION, createOutbox, LONGEST_PAUSE_MS, withLease, type StatusChange } from './outbox.js';
import { mismatchOf } from './payment-match.js';
import { refundSession } from './refunds.js';
import { ProviderRequestError, type Logger, type PaymentProvider, type ProviderPaymentState, type ProviderWebhookEvent, type ProviderWebhookNotice } from './providers/types.js';
import type { SessionStore, Versioned } from './store.js';
import type { Environment, Order, PaymentStatus, SessionInfo, StoredSession } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OrderRequest {
  /** The page's `context`, as sent: untrusted input (an order id, a cart id…). */
  context: unknown;
  environment: Environment;
  locale?: string;
  /** The request (through `handler.fetch`, a stand-in with its method, url and headers). */
  request: IncomingMessage;
  /** Through `handler.fetch`: the Fetch API request itself. */
  fetchRequest?: Request;
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
  /** Told of each change this process applies: publishes it to every process's open status streams. */
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
const SESSION_ID = /^cs_[0-9a-f]{32}$/;
const AMOUNT_MISMATCH = { failureCode: 'amount_mismatch', failureMessage: 'The payment does not match this order.' };
/** How many due sessions one reconciliation looks at. */
const RECONCILE_BATCH = 100;
/** How long a fresh report is left to the process that wrote it before a reconciler delivers it. */
const DELIVERY_GRACE_MS = 30_000;

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
    amount: { ...session.amount }, // the merchant's own: the memory store's values are frozen and shared
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

/** True while the provider may still take money for the session: pending, or cancelled here only. */
const stillOpen = (session: StoredSession) => session.status === 'pending' || session.cancelledLocally === true;

export type { StatusChange } from './outbox.js';

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
  let closed = false;
  const outbox = createOutbox({ store, ttl, sessionKey, sessionInfo, hook: options.onStatusChange, logger });
  const deliver = outbox.deliver;
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
    idOf: (session) => (session as StoredSession).id,
  });

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
      // Cancelled here only: a payment the provider took all the same still counts.
      const paidAfterLocalCancel = session.cancelledLocally === true && update.status === 'succeeded';
      if (session.cancelledLocally && !alreadyApplied && update.status !== 'pending' && !paidAfterLocalCancel) {
        // The provider ended the payment too: nothing more can come of it, nothing to report.
        if (await store.updateIfVersion(sessionKey(sessionId), current.version, { ...session, cancelledLocally: false }, ttl)) return { ...session, cancelledLocally: false };
        continue;
      }
      if (alreadyApplied || (session.status !== 'pending' && !paidAfterLocalCancel)) return session;
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
        ...(paidAfterLocalCancel ? { cancelledLocally: false } : {}),
        updatedAt: new Date().toISOString(),
      };
      if (await changeSession(current, next, `${session.id}.${status}`)) return next;
    }
    throw new Error(`session ${sessionId} kept changing under a status update`);
  }

  /**
   * Writes a changed session if it is still at `current`'s version, with the report of the change
   * in its outbox in the same write; tells the streams and delivers. False when it moved on.
   */
  async function changeSession(current: { value: StoredSession; version: number }, next: StoredSession, eventId: string): Promise<boolean> {
    const withReport: StoredSession = options.onStatusChange
      ? { ...next, outbox: [...(current.value.outbox ?? []), { eventId, previous: current.value.status }] }
      : next;
    // On the reconciler's list before the report exists, so that a crash right after the write
    // leaves it to be delivered (a list entry without a report is dropped by the reconciler).
    if (options.onStatusChange || stillOpen(next)) {
      const now = Date.now();
      await store.schedule(ATTENTION, next.id, stillOpen(next) ? Math.min(now + DELIVERY_GRACE_MS, nextCheckAt(next, now)) : now + DELIVERY_GRACE_MS);
    }
    if (!(await store.updateIfVersion(sessionKey(next.id), current.version, withReport, ttl))) return false;
    options.notify(withReport);
    if (withReport.outbox?.length) void deliver(next.id);
    return true;
  }

  /** The work of one create attempt: the merchant's order, the provider's payment, the session. */
  async function newSession(claim: Claim, request: CreateRequest): Promise<StoredSession> {
    const { environment, locale } = request;
    const fetchRequest = (request.request as { fetchRequest?: Request }).fetchRequest;
    const order = await options.order({ context: request.context, environment, locale, request: request.request, ...(fetchRequest ? { fetchRequest } : {}) });
    checkOrder(order);
    const payable = await payableSessionFor(order.reference, environment, claim);
    if (payable) return payable;
    try {
      return await paymentFor(claim, request, order);
    } catch (error) {
      await releaseOrder(order.reference, claim.sessionId);
      throw error;
    }
  }

  /** The provider's payment for a claim, and the session that shows it. */
  async function paymentFor(claim: Claim, request: CreateRequest, order: Order): Promise<StoredSession> {
    const { environment, locale } = request;
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
    // The reconciler asks about it if no outcome has come by then (the webhook lost, the shopper
    // gone): on its list before the session exists, so that no crash leaves a session off it.
    await store.schedule(ATTENTION, session.id, now.getTime() + firstCheckAfterMs);
    // An earlier attempt under this claim may have written the session before it failed: that one stands.
    if (!(await store.create(sessionKey(session.id), session, ttl))) {
      const earlier = await store.get<StoredSession>(sessionKey(session.id));
      if (earlier) return earlier.value;
    }
    return session;
  }

  const orderKey = (reference: string) => `order:${options.namespace}:${reference}`;

  /**
   * One payable payment per order (SPEC §7): the order's pending session, when it was made for
   * the same terminal type and OS (the shopper came back); otherwise that session is cancelled at
   * the provider first and the order is this claim's. A session still being created for the order
   * by another request is waited for.
   */
  async function payableSessionFor(reference: string, environment: Environment, claim: Claim): Promise<StoredSession | undefined> {
    const key = orderKey(reference);
    // A create takes up to the provider's timeouts (two tries of 10 s): its link is in flight that long.
    const inFlightMs = Math.max(options.claimLeaseMs, 2 * IDEMPOTENT_WAIT_MS);
    const deadline = Date.now() + inFlightMs;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
      const link = await store.get<{ sessionId: string; at: number }>(key);
      const mine = { sessionId: claim.sessionId, at: Date.now() };
      if (!link) {
        if (await store.create(key, mine, ttl)) return undefined;
        continue;
      }
      if (link.value.sessionId === claim.sessionId) return undefined; // an earlier try of this very attempt
      const other = await store.get<StoredSession>(sessionKey(link.value.sessionId));
      if (!other && Date.now() - link.value.at < inFlightMs && Date.now() < deadline) {
        await sleep(pause); // another request is creating the order's payment right now
        continue;
      }
      if (other?.value.cancelledLocally) {
        // Cancelled here, but the provider documents no cancel: it can still be paid there.
        throw new HttpError(409, 'previous_payment_open', "This order's previous payment can still be paid at the provider until it expires; try again later");
      }
      if (other?.value.status === 'pending') {
        const { terminalType, osType } = other.value.environment;
        if (terminalType === environment.terminalType && osType === environment.osType) return other.value;
        // Another device: the old payment is cancelled at the provider first. Where the provider
        // has no way to (its payment would stay payable), the old session stays the order's one
        // payment, on this device too: never two payable payments for one order.
        if ((await cancelAtProvider(other.value)) === 'unsupported') return other.value;
        await markCancelled(other.value.id, false);
        continue; // read the link again: the cancel may have raced with another create
      }
      if (await store.updateIfVersion(key, link.version, mine, ttl)) return undefined;
    }
  }

  /** Frees the order for the next create when this attempt made no session. */
  async function releaseOrder(reference: string, sessionId: string): Promise<void> {
    const link = await store.get<{ sessionId: string }>(orderKey(reference)).catch(() => undefined);
    if (link?.value.sessionId === sessionId) await store.updateIfVersion(orderKey(reference), link.version, link.value, 1).catch(() => false);
  }

  /**
   * Makes a pending session unpayable: at the provider where it documents a way, else here only
   * (`cancelledLocally`: the provider's own expiry ends it there). Resolves to the session.
   */
  async function cancel(sessionId: string): Promise<StoredSession> {
    const stored = await store.get<StoredSession>(sessionKey(sessionId));
    if (!stored) throw new HttpError(404, 'session_not_found', 'No such session');
    if (stored.value.status !== 'pending') return stored.value;
    const outcome = await cancelAtProvider(stored.value);
    return (await markCancelled(sessionId, outcome === 'unsupported')) ?? stored.value;
  }

  function cancelAtProvider(session: StoredSession): Promise<'cancelled' | 'unsupported'> {
    return typeof provider.cancelPayment === 'function' ? provider.cancelPayment(session.providerPaymentId) : Promise.resolve('unsupported');
  }

  /** Ends a pending session as cancelled (reported); the session as it is after. */
  async function markCancelled(sessionId: string, locally: boolean): Promise<StoredSession | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current || current.value.status !== 'pending') return current?.value;
      const next: StoredSession = { ...current.value, status: 'cancelled', ...(locally ? { cancelledLocally: true } : {}), updatedAt: new Date().toISOString() };
      if (await changeSession(current, next, `${sessionId}.cancelled`)) return next;
    }
    throw new Error(`session ${sessionId} kept changing under a cancel`);
  }

  /** The stored session of an id from a request; nothing is read for an id that is not one of ours. */
  function lookUp(sessionId: string): Promise<Versioned<StoredSession> | undefined> | undefined {
    return SESSION_ID.test(sessionId) ? store.get<StoredSession>(sessionKey(sessionId)) : undefined;
  }

  /** The session looked up, or a 404 that says nothing about why. */
  function found(stored: Versioned<StoredSession> | undefined): StoredSession {
    if (!stored) throw new HttpError(404, 'session_not_found', 'No such session');
    return stored.value;
  }

  /** Forgets old provider-check times now and then, not on every request: this is the polling hot path. */
  function pruneProviderChecks(now: number): void {
    if (lastProviderCheck.size <= 10_000 || now < nextPruneAt) return;
    nextPruneAt = now + Math.max(providerCheckInterval, 1000);
    for (const [id, at] of lastProviderCheck) if (now - at > providerCheckInterval) lastProviderCheck.delete(id);
  }

  /**
   * How often the provider may be asked about a session: every interval in its first minute,
   * then less often as it ages (webhooks are the way outcomes arrive; this is the fallback), up to
   * six intervals apart.
   */
  function providerCheckIntervalOf(session: StoredSession, now: number): number {
    const ageMs = Math.max(0, now - Date.parse(session.createdAt)) || 0;
    return providerCheckInterval * Math.min(6, 1 + Math.floor(ageMs / 60_000));
  }

  /** How long until this process may ask the provider about the session again (0: now). */
  function providerCheckWait(session: StoredSession, now: number): number {
    const last = lastProviderCheck.get(session.id) ?? -Infinity;
    // The polling hot path: within the shortest interval, no need to work out this one.
    if (now - last < providerCheckInterval) return last + providerCheckInterval - now;
    return Math.max(0, last + providerCheckIntervalOf(session, now) - now);
  }

  /**
   * True when this process is the one to ask the provider about the session now: it has not asked
   * within the interval itself (no store traffic then), and no process sharing the store has (a
   * lease key that the first to create it holds for the interval). So N processes make the calls
   * of one (issue 14), and a flash sale is not N times the provider's rate limit.
   */
  async function claimProviderCheck(session: StoredSession, now: number): Promise<boolean> {
    if (providerCheckWait(session, now) > 0) return false;
    const interval = providerCheckIntervalOf(session, now);
    lastProviderCheck.set(session.id, now);
    pruneProviderChecks(now);
    if (await store.create(`provider-check:${session.id}`, now, interval)) return true;
    // Another process holds the lease, taken at most an interval ago: look again in half of one,
    // so that processes taking turns do not stretch the interval (each waiting a whole one).
    lastProviderCheck.set(session.id, now - interval / 2);
    return false;
  }

  /** Asks the provider about a pending session and applies the answer. Throws when the provider fails. */
  async function askProvider(session: StoredSession): Promise<StoredSession> {
    const state = await provider.getPayment(session.providerPaymentId);
    return (await applyStatus(session.id, state)) ?? session;
  }

  /** The session as stored, after asking the provider if it is this process's turn to (see claimProviderCheck). */
  async function checked(session: StoredSession): Promise<StoredSession> {
    // Not due in this process (most polls): no await on the way back.
    if (!stillOpen(session) || providerCheckWait(session, Date.now()) > 0) return session;
    if (!(await claimProviderCheck(session, Date.now()))) return session;
    return askProviderOrKeep(session);
  }

  /** The provider's answer applied, or the session as it was when the provider fails (the stored status still stands; the widget asks again). */
  async function askProviderOrKeep(session: StoredSession): Promise<StoredSession> {
    try {
      return await askProvider(session);
    } catch (error) {
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
        if (stored && stillOpen(stored.value) && (await claimProviderCheck(stored.value, Date.now()))) await askProvider(stored.value);
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
      try {
        await withLease(store, `reconcile:${sessionId}`, async () => {
          const stored = await store.get<StoredSession>(sessionKey(sessionId));
          if (!stored) return store.unschedule(ATTENTION, sessionId);
          if (stillOpen(stored.value)) {
            checkedCount++;
            try {
              const after = await askProvider(stored.value);
              if (after.status !== stored.value.status) changed++;
            } catch (error) {
              logger.warn(`alipayhk-checkout: reconciling ${sessionId} with ${provider.name}: ${(error as Error).message}`);
            }
          }
          await deliver(sessionId);
          const latest = (await store.get<StoredSession>(sessionKey(sessionId)))?.value;
          if (latest && stillOpen(latest)) return store.schedule(ATTENTION, sessionId, nextCheckAt(latest, Date.now()));
          if (latest?.outbox?.length) return; // deliver() scheduled its retry
          await store.unschedule(ATTENTION, sessionId);
          // A report written meanwhile put the session back on the list first; put it back again.
          const after = (await store.get<StoredSession>(sessionKey(sessionId)))?.value;
          if (after?.outbox?.length || (after && stillOpen(after))) await store.schedule(ATTENTION, sessionId, Date.now());
        });
      } catch (error) {
        logger.error(`alipayhk-checkout: reconciling ${sessionId}: ${(error as Error).message}`);
      }
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
      return found(await lookUp(sessionId));
    },

    /**
     * What the status route answers: the session, after asking the provider when it is this
     * process's turn (see `checked`). The polling hot path: one store read and one await when no
     * provider check is due (issue 14: within 0.85 of a bare node:http server).
     */
    async status(sessionId: string): Promise<StoredSession> {
      const session = found(await lookUp(sessionId));
      return !stillOpen(session) || providerCheckWait(session, Date.now()) > 0 ? session : checked(session);
    },

    checked,

    /**
     * For a session's open streams (push.ts): asks the provider about it when it is this
     * process's turn, reading it first; undefined (and no store read) when it is not.
     */
    async lookAgain(session: StoredSession): Promise<StoredSession | undefined> {
      if (!stillOpen(session) || !(await claimProviderCheck(session, Date.now()))) return undefined;
      const stored = await store.get<StoredSession>(sessionKey(session.id));
      return stored && stillOpen(stored.value) ? askProviderOrKeep(stored.value) : stored?.value;
    },

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
        if (!stored || !stillOpen(stored.value)) return false;
        const now = Date.now();
        const wait = providerCheckWait(stored.value, now);
        if (wait > 0 || !(await claimProviderCheck(stored.value, now))) {
          // Asked within the interval, here or by another process: once more at its end.
          checkLater(stored.value.id, wait || providerCheckIntervalOf(stored.value, now));
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

    /** Cancels a pending session (the cancel route and `handler.cancel`); answers its status. */
    async cancel(sessionId: string): Promise<SessionInfo> {
      if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) throw new HttpError(404, 'session_not_found', 'No such session');
      return sessionInfo(await cancel(sessionId));
    },

    async refund(sessionId: string, request?: { amount?: number; reason?: string }): Promise<SessionInfo> {
      if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) throw new HttpError(404, 'session_not_found', 'No such session');
      return refundSession({ store, provider, ttl, logger, sessionKey, changeSession, sessionInfo }, sessionId, request);
    },

    /** Stops this process's timers; what they would have done is left to the reconciler. */
    async close(): Promise<void> {
      closed = true;
      clearInterval(reconcileTimer);
      for (const timer of deferredChecks.values()) clearTimeout(timer);
      deferredChecks.clear();
      outbox.close();
      await reconciling?.catch(() => undefined);
    },
  };
}
