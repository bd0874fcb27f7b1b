// The merchant backend's three routes (SPEC §7) as one node:http request handler. The amount
// comes from the merchant's `order` callback, never from the browser; the provider's secret key
// never leaves this process; a status only ever moves forward.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, HttpError, parseJson, readBody, routeOf, sendError, sendJson } from './http.js';
import { fingerprintOf, idempotentAttempts, type Claim } from './idempotency.js';
import { mismatchOf } from './payment-match.js';
import { statusStreams, wantsEventStream } from './push.js';
import {
  ProviderError,
  ProviderRequestError,
  WebhookVerificationError,
  type Logger,
  type PaymentProvider,
  type ProviderPaymentState,
} from './providers/types.js';
import { memoryStore, type SessionStore } from './store.js';
import type { CheckoutSessionJson, Environment, Order, StatusJson, StoredSession } from './types.js';

export interface OrderRequest {
  /** The page's `context`, as sent: untrusted input (an order id, a cart id…). */
  context: unknown;
  environment: Environment;
  locale?: string;
  request: IncomingMessage;
}

export interface CheckoutHandlerOptions {
  /** Prefix of the routes, e.g. `/api/alipayhk`. */
  basePath: string;
  provider: PaymentProvider;
  /** Decides what is being paid for. Throw an `OrderError` to refuse (unknown order, already paid…). */
  order(request: OrderRequest): Order | Promise<Order>;
  /** Where the wallet sends the shopper back (the checkout page or a return page with the element). */
  returnUrl: string;
  store?: SessionStore;
  /** How long sessions are kept (default 24 h). */
  sessionTtlMs?: number;
  /**
   * Lifetime of a payment code when the provider does not say, for the widget's countdown and
   * expiry. Set it to the provider's own lifetime; leave it unset when that is not known.
   */
  paymentLifetimeMs?: number;
  /**
   * While a session is pending, the status route asks the provider at most this often per
   * session (default 5 s) and answers from the store in between: webhooks keep the store
   * current, and thousands of polling widgets do not become thousands of provider calls.
   */
  providerCheckIntervalMs?: number;
  /**
   * How often an open status stream (`Accept: text/event-stream`) reads the store while the
   * session is pending (default 1 s). A webhook handled by this process is pushed at once; this
   * read picks up one that another process handled (a shared store).
   */
  streamCheckIntervalMs?: number;
  /** A comment line on open streams this often, so that proxies keep them (default 15 s). */
  streamHeartbeatMs?: number;
  /**
   * How long a create request holds its Idempotency-Key while it works (default 30 s), renewed
   * every third of it while the process lives: a process that dies mid-create blocks the key
   * for this long at most.
   */
  claimLeaseMs?: number;
  logger?: Logger;
}

export type CheckoutHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

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

const CREATE_BODY_LIMIT = 16 * 1024;
const WEBHOOK_BODY_LIMIT = 256 * 1024;
/** How long a create with the same Idempotency-Key as another process's waits for it. */
const IDEMPOTENT_WAIT_MS = 20_000;
const SESSION_ID = /^cs_[0-9a-f]{32}$/;
const AMOUNT_MISMATCH = { failureCode: 'amount_mismatch', failureMessage: 'The payment does not match this order.' };

function newSessionId(): string {
  return `cs_${randomBytes(16).toString('hex')}`; // 128 random bits
}

const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'];
const TERMINAL_TYPES = ['WEB', 'WAP', 'APP'];
const OS_TYPES = ['IOS', 'ANDROID', null];
const FLOWS = ['qr', 'redirect'];

/** Checks the environment the widget sent; the message names the field. */
export function parseEnvironment(value: unknown): Environment {
  const fail = (field: string, rule: string): never => {
    throw new HttpError(400, 'invalid_environment', `environment.${field} ${rule}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_environment', 'environment must be an object');
  }
  const env = value as Record<string, unknown>;
  if (!DEVICE_TYPES.includes(env.deviceType as string)) fail('deviceType', 'must be desktop, mobile or tablet');
  if (!TERMINAL_TYPES.includes(env.terminalType as string)) fail('terminalType', 'must be WEB, WAP or APP');
  if (!OS_TYPES.includes(env.osType as string | null)) fail('osType', 'must be IOS, ANDROID or null');
  if (!FLOWS.includes(env.flow as string)) fail('flow', 'must be qr or redirect');
  if (typeof env.inApp !== 'boolean') fail('inApp', 'must be a boolean');
  if (typeof env.inWallet !== 'boolean') fail('inWallet', 'must be a boolean');
  return {
    deviceType: env.deviceType as Environment['deviceType'],
    terminalType: env.terminalType as Environment['terminalType'],
    osType: env.osType as Environment['osType'],
    flow: env.flow as Environment['flow'],
    inApp: env.inApp as boolean,
    inWallet: env.inWallet as boolean,
  };
}

function checkOrder(order: Order): void {
  const bad = (message: string) => new OrderError(`order() returned ${message}`, 500, 'invalid_order');
  if (!order || typeof order !== 'object') throw bad('nothing');
  if (!Number.isSafeInteger(order.amount?.value) || order.amount.value <= 0) throw bad('an amount.value that is not a positive integer');
  if (!/^[A-Z]{3}$/.test(order.amount?.currency ?? '')) throw bad('an amount.currency that is not ISO 4217');
  if (typeof order.reference !== 'string' || order.reference === '') throw bad('no reference');
}

/** Refuses options that would make a handler that cannot work, or that routes the wrong paths. */
function checkOptions(options: CheckoutHandlerOptions): void {
  const fail = (message: string): never => {
    throw new TypeError(`createCheckoutHandler: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('options are required');
  const { basePath, provider } = options;
  if (typeof basePath !== 'string' || !/^(\/[^/?#%\\]+)*\/?$/.test(basePath) || /\/\.{1,2}(\/|$)/.test(basePath)) {
    fail('options.basePath must be a path such as "/api/alipayhk" (no "//", dot segments, "%", "?" or "#")');
  }
  const verbs = ['createPayment', 'getPayment', 'parseWebhook'] as const;
  if (typeof provider !== 'object' || provider === null || typeof provider.name !== 'string' || verbs.some((verb) => typeof provider[verb] !== 'function')) {
    fail('options.provider must be an adapter, e.g. providers.checkoutCom({ … })');
  }
  if (typeof options.order !== 'function') fail('options.order must be a function that returns the order to pay');
  if (typeof options.returnUrl !== 'string' || !/^https?:\/\//.test(options.returnUrl)) fail('options.returnUrl must be an http(s) URL');
  const lease = options.claimLeaseMs;
  if (lease !== undefined && !(Number.isFinite(lease) && lease >= 100)) fail('options.claimLeaseMs must be at least 100 (ms)');
}

export function createCheckoutHandler(options: CheckoutHandlerOptions): CheckoutHandler {
  checkOptions(options);
  const basePath = options.basePath.replace(/\/$/, '');
  const store = options.store ?? memoryStore();
  const ttl = options.sessionTtlMs ?? 24 * 60 * 60_000;
  const logger = options.logger ?? console;
  const { provider } = options;
  const providerCheckInterval = options.providerCheckIntervalMs ?? 5000;
  /** When each pending session last asked the provider, in this process. */
  const lastProviderCheck = new Map<string, number>();
  let nextPruneAt = 0;
  /** Open status streams of this process, told at once when a status is applied here. */
  const streams = statusStreams({
    checkIntervalMs: options.streamCheckIntervalMs ?? 1000,
    heartbeatMs: options.streamHeartbeatMs ?? 15_000,
    statusJson,
    logger,
  });
  const sessionKey = (id: string) => `session:${id}`;
  const paymentKey = (paymentId: string) => `payment:${provider.name}:${paymentId}`;
  /** Pending sessions with a provider check due at the end of its interval (an Omise notice came inside it). */
  const deferredChecks = new Map<string, ReturnType<typeof setTimeout>>();
  const attempts = idempotentAttempts<StoredSession>({
    store,
    namespace: `${provider.name}${basePath}`,
    doneTtlMs: ttl,
    leaseMs: options.claimLeaseMs ?? 30_000,
    waitMs: IDEMPOTENT_WAIT_MS,
    newSessionId,
    // Nothing a retry could get back: refused by the merchant's order() or our own limits before the
    // provider was asked, or answered with a payment that was not this order's (amount_mismatch,
    // payment_conflict), which the next attempt must not get back under the same provider key.
    leftNothing: (error) => error instanceof OrderError || error instanceof ProviderRequestError || error instanceof HttpError,
    logger,
  });

  function toJson(session: StoredSession): CheckoutSessionJson {
    return {
      id: session.id,
      amount: session.amount,
      statusUrl: `${basePath}/sessions/${session.id}/status`,
      push: 'sse',
      ...(session.qrCode ? { qrCode: session.qrCode } : {}),
      ...(session.redirectUrl ? { redirectUrl: session.redirectUrl } : {}),
      ...(session.expiresAt ? { expiresAt: session.expiresAt } : {}),
      flow: session.flow,
      status: session.status,
      ...(session.merchantName ? { merchantName: session.merchantName } : {}),
      reference: session.reference,
    };
  }

  function statusJson(session: StoredSession): StatusJson {
    return {
      status: session.status,
      ...(session.failureCode ? { failureCode: session.failureCode } : {}),
      ...(session.failureMessage ? { failureMessage: session.failureMessage } : {}),
    };
  }

  /**
   * Applies a provider answer: only from pending to a final status, each event once, and only
   * when what the answer states of the payment (amount, currency, reference) is this session's;
   * an answer about other money fails the session with `amount_mismatch`, whatever its status.
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
      const next: StoredSession = {
        ...session,
        ...(mismatch
          ? { status: 'failed', ...AMOUNT_MISMATCH }
          : { status: update.status, ...(update.status === 'failed' ? { failureCode: update.failureCode ?? 'failed', failureMessage: update.failureMessage } : {}) }),
        appliedEvents: update.eventId ? [...session.appliedEvents, update.eventId].slice(-20) : session.appliedEvents,
        updatedAt: new Date().toISOString(),
      };
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, next, ttl)) {
        streams.notify(next);
        return next;
      }
    }
    throw new Error(`session ${sessionId} kept changing under a status update`);
  }

  /** The work of one create attempt: the merchant's order, the provider's payment, the session. */
  async function newSession(claim: Claim, body: Record<string, unknown>, environment: Environment, locale: string | undefined, req: IncomingMessage) {
    const order = await options.order({ context: body.context, environment, locale, request: req });
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
      userAgent: headerValue(req, 'user-agent'),
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
    return session;
  }

  async function createSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = headerValue(req, 'idempotency-key');
    if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key header must be 1 to 255 visible ASCII characters');
    }
    const body = parseJson(await readBody(req, CREATE_BODY_LIMIT)) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'invalid_request', 'body must be a JSON object');
    const environment = parseEnvironment(body.environment);
    const locale = typeof body.locale === 'string' ? body.locale.slice(0, 35) : undefined;
    const fingerprint = fingerprintOf({ environment: body.environment, locale: body.locale, context: body.context });
    const { value: session, created } = await attempts.run(
      key,
      fingerprint,
      (claim) => newSession(claim, body, environment, locale, req),
      async (sessionId) => (await store.get<StoredSession>(sessionKey(sessionId)))?.value,
    );
    sendJson(res, created ? 201 : 200, toJson(session));
  }

  async function findSession(sessionId: string): Promise<StoredSession> {
    const stored = SESSION_ID.test(sessionId) ? await store.get<StoredSession>(sessionKey(sessionId)) : undefined;
    if (!stored) throw new HttpError(404, 'session_not_found', 'No such session');
    return stored.value;
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
  async function checkedSession(session: StoredSession): Promise<StoredSession> {
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
    if (deferredChecks.has(sessionId)) return;
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

  async function sessionStatus(res: ServerResponse, sessionId: string): Promise<void> {
    sendJson(res, 200, statusJson(await checkedSession(await findSession(sessionId))));
  }

  async function sessionStatusStream(req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
    await streams.serve(req, res, await findSession(sessionId), async () => {
      const stored = await store.get<StoredSession>(sessionKey(sessionId));
      return stored && checkedSession(stored.value);
    });
  }

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, WEBHOOK_BODY_LIMIT);
    let event;
    try {
      event = await provider.parseWebhook(raw, req.headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new HttpError(401, 'invalid_signature', error.message);
      throw error;
    }
    const acknowledge = (applied: boolean) => sendJson(res, 200, provider.webhookAcknowledgement ?? { received: true, applied });
    const ignored = () => acknowledge(false);
    if (!event) return ignored();
    const link = await store.get<{ sessionId: string }>(paymentKey('unsigned' in event ? event.paymentId : (event.eventKey ?? event.paymentId)));
    if (!link) return ignored();
    if ('unsigned' in event) {
      // Its contents prove nothing: ask the provider about this payment of ours, at most once per
      // interval; a notice inside the interval gets one check at its end, so none is lost.
      const stored = await store.get<StoredSession>(sessionKey(link.value.sessionId));
      if (!stored || stored.value.status !== 'pending') return ignored();
      const wait = providerCheckWait(stored.value.id, Date.now());
      if (wait > 0) {
        checkLater(stored.value.id, wait);
        return ignored();
      }
      const session = await askProvider(stored.value); // a provider failure answers 502: the provider sends it again
      return acknowledge(session.status !== 'pending');
    }
    const session = await applyStatus(link.value.sessionId, event);
    acknowledge(session?.status === event.status);
  }

  return async function handle(req, res, next) {
    const route = routeOf(req.url ?? '/', basePath);
    if (route === undefined) {
      if (next) return next();
      return sendError(res, new HttpError(404, 'not_found', 'Not found'));
    }
    try {
      let match: RegExpMatchArray | null;
      if (route === null) throw new HttpError(404, 'not_found', 'Not found');
      else if (route === '/sessions' && req.method === 'POST') await createSession(req, res);
      else if ((match = route.match(/^\/sessions\/([^/]+)\/status$/)) && req.method === 'GET') {
        if (wantsEventStream(req)) await sessionStatusStream(req, res, match[1]!);
        else await sessionStatus(res, match[1]!);
      }
      else if ((match = route.match(/^\/webhooks\/([^/]+)$/)) && req.method === 'POST' && match[1] === provider.name) await webhook(req, res);
      else throw new HttpError(404, 'not_found', 'Not found');
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof HttpError) return sendError(res, error);
      if (error instanceof OrderError) return sendError(res, new HttpError(error.status, error.code, error.message));
      if (error instanceof ProviderRequestError) return sendError(res, new HttpError(422, 'payment_not_supported', error.message));
      if (error instanceof ProviderError) {
        logger.error(`alipayhk-checkout: ${error.message}`);
        return sendError(res, new HttpError(502, 'provider_error', 'The payment provider did not answer; try again'));
      }
      logger.error(error);
      sendError(res, new HttpError(500, 'internal_error', 'Internal error'));
    }
  };
}
