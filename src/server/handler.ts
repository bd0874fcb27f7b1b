// The merchant backend's three routes (SPEC §7) as one node:http request handler. The amount
// comes from the merchant's `order` callback, never from the browser; the provider's secret key
// never leaves this process; a status only ever moves forward.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, HttpError, parseJson, readBody, sendError, sendJson } from './http.js';
import { ProviderError, ProviderRequestError, WebhookVerificationError, type Logger, type PaymentProvider } from './providers/types.js';
import { memoryStore, type SessionStore } from './store.js';
import type { CheckoutSessionJson, Environment, Order, PaymentStatus, StatusJson, StoredSession } from './types.js';

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
/** How long a concurrent create with the same Idempotency-Key waits for the first one. */
const IDEMPOTENT_WAIT_MS = 20_000;
const SESSION_ID = /^cs_[0-9a-f]{32}$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** True when the request asks for the status as Server-Sent Events (what `EventSource` sends). */
function wantsEventStream(req: IncomingMessage): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(headerValue(req, 'accept') ?? '');
}

export function createCheckoutHandler(options: CheckoutHandlerOptions): CheckoutHandler {
  const basePath = options.basePath.replace(/\/$/, '');
  const store = options.store ?? memoryStore();
  const ttl = options.sessionTtlMs ?? 24 * 60 * 60_000;
  const logger = options.logger ?? console;
  const { provider } = options;
  const providerCheckInterval = options.providerCheckIntervalMs ?? 5000;
  /** When each pending session last asked the provider, in this process. */
  const lastProviderCheck = new Map<string, number>();
  let nextPruneAt = 0;
  const streamCheckInterval = options.streamCheckIntervalMs ?? 1000;
  const streamHeartbeat = options.streamHeartbeatMs ?? 15_000;
  /** Open status streams of this process, by session id, told at once when a status is applied here. */
  const streamListeners = new Map<string, Set<(session: StoredSession) => void>>();
  const sessionKey = (id: string) => `session:${id}`;
  const paymentKey = (paymentId: string) => `payment:${provider.name}:${paymentId}`;
  const idempotencyRecordKey = (key: string) => `idempotency:${key}`;

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

  /** Applies a provider status: only from pending to a final one, each event once. */
  async function applyStatus(
    sessionId: string,
    update: { status: PaymentStatus; failureCode?: string; failureMessage?: string; eventId?: string },
  ): Promise<StoredSession | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) return undefined;
      const session = current.value;
      const alreadyApplied = update.eventId !== undefined && session.appliedEvents.includes(update.eventId);
      if (alreadyApplied || session.status !== 'pending' || update.status === 'pending') return session;
      const next: StoredSession = {
        ...session,
        status: update.status,
        ...(update.status === 'failed' ? { failureCode: update.failureCode ?? 'failed', failureMessage: update.failureMessage } : {}),
        appliedEvents: update.eventId ? [...session.appliedEvents, update.eventId].slice(-20) : session.appliedEvents,
        updatedAt: new Date().toISOString(),
      };
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, next, ttl)) {
        for (const listener of streamListeners.get(sessionId) ?? []) listener(next);
        return next;
      }
    }
    throw new Error(`session ${sessionId} kept changing under a status update`);
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

    // The first request with this key creates the payment; any other waits for its session.
    const recordKey = idempotencyRecordKey(key);
    const claim = { sessionId: newSessionId() };
    let owner = await store.create(recordKey, claim, ttl);
    const deadline = Date.now() + IDEMPOTENT_WAIT_MS;
    while (!owner) {
      const record = await store.get<{ sessionId: string; failed?: boolean }>(recordKey);
      if (record && !record.value.failed) {
        const existing = await store.get<StoredSession>(sessionKey(record.value.sessionId));
        if (existing) return sendJson(res, 200, toJson(existing.value));
      } else if (record?.value.failed) {
        // The earlier attempt failed: this retry takes over (the provider's own key keeps it to one payment).
        owner = await store.updateIfVersion(recordKey, record.version, claim, ttl);
        if (owner) break;
      } else {
        owner = await store.create(recordKey, claim, ttl);
        if (owner) break;
      }
      if (Date.now() > deadline) throw new HttpError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is still in progress');
      await sleep(25);
    }

    try {
      const order = await options.order({ context: body.context, environment, locale, request: req });
      checkOrder(order);
      const payment = await provider.createPayment({
        sessionId: claim.sessionId,
        amount: order.amount,
        reference: order.reference,
        description: order.description,
        environment,
        returnUrl: options.returnUrl,
        idempotencyKey: key,
        locale,
        userAgent: headerValue(req, 'user-agent'),
      });
      const now = new Date();
      const expiresAt =
        payment.expiresAt ?? (options.paymentLifetimeMs ? new Date(now.getTime() + options.paymentLifetimeMs).toISOString() : undefined);
      const session: StoredSession = {
        id: claim.sessionId,
        idempotencyKey: key,
        provider: provider.name,
        providerPaymentId: payment.paymentId,
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
      await store.create(paymentKey(payment.eventKey ?? payment.paymentId), { sessionId: session.id }, ttl);
      await store.create(sessionKey(session.id), session, ttl);
      sendJson(res, 201, toJson(session));
    } catch (error) {
      const record = await store.get<{ sessionId: string }>(recordKey);
      if (record?.value.sessionId === claim.sessionId) {
        await store.updateIfVersion(recordKey, record.version, { ...claim, failed: true }, ttl);
      }
      throw error;
    }
  }

  async function findSession(sessionId: string): Promise<StoredSession> {
    const stored = SESSION_ID.test(sessionId) ? await store.get<StoredSession>(sessionKey(sessionId)) : undefined;
    if (!stored) throw new HttpError(404, 'session_not_found', 'No such session');
    return stored.value;
  }

  /** The session as stored, after asking the provider if a pending one has not been checked lately. */
  async function checkedSession(session: StoredSession): Promise<StoredSession> {
    const now = Date.now();
    if (session.status !== 'pending' || now - (lastProviderCheck.get(session.id) ?? 0) < providerCheckInterval) return session;
    lastProviderCheck.set(session.id, now);
    // Forget old entries now and then, not on every request: this is the polling hot path.
    if (lastProviderCheck.size > 10_000 && now >= nextPruneAt) {
      nextPruneAt = now + Math.max(providerCheckInterval, 1000);
      for (const [id, at] of lastProviderCheck) if (now - at > providerCheckInterval) lastProviderCheck.delete(id);
    }
    try {
      const state = await provider.getPayment(session.providerPaymentId);
      return (await applyStatus(session.id, state)) ?? session;
    } catch (error) {
      // The stored status still stands; the widget asks again.
      logger.warn(`alipayhk-checkout: status of ${session.id} from ${provider.name} failed: ${(error as Error).message}`);
      return session;
    }
  }

  async function sessionStatus(res: ServerResponse, sessionId: string): Promise<void> {
    sendJson(res, 200, statusJson(await checkedSession(await findSession(sessionId))));
  }

  /**
   * The status as Server-Sent Events: the current status at once, then each change, pushed the
   * moment this process applies it (a webhook) or finds it (the store, the provider); the stream
   * ends after a final status. Any error ends it too, and the widget falls back to polling.
   */
  async function sessionStatusStream(req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
    let session = await findSession(sessionId);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // nginx buffers responses unless told not to, which would hold every event back.
      'X-Accel-Buffering': 'no',
    });
    let lastSent = '';
    let closed = false;
    let checkTimer: ReturnType<typeof setTimeout> | undefined;
    const send = (next: StoredSession) => {
      if (closed) return;
      const data = JSON.stringify(statusJson(next));
      if (data !== lastSent) {
        lastSent = data;
        res.write(`event: status\ndata: ${data}\n\n`);
      }
      if (next.status !== 'pending') close();
    };
    const listeners = streamListeners.get(sessionId) ?? new Set();
    streamListeners.set(sessionId, listeners);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), streamHeartbeat);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(checkTimer);
      listeners.delete(send);
      if (listeners.size === 0 && streamListeners.get(sessionId) === listeners) streamListeners.delete(sessionId);
      res.end();
    };
    listeners.add(send);
    req.once('close', close);
    res.once('error', close);
    const check = async () => {
      try {
        const stored = await store.get<StoredSession>(sessionKey(sessionId));
        if (!stored) return close();
        session = await checkedSession(stored.value);
        send(session);
      } catch (error) {
        logger.warn(`alipayhk-checkout: status stream of ${sessionId}: ${(error as Error).message}`);
        return close();
      }
      if (!closed) checkTimer = setTimeout(check, streamCheckInterval);
    };
    send(session);
    if (!closed) await check();
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
    if (!event) return sendJson(res, 200, { received: true, applied: false });
    const link = await store.get<{ sessionId: string }>(paymentKey(event.eventKey ?? event.paymentId));
    if (!link) return sendJson(res, 200, { received: true, applied: false });
    const session = await applyStatus(link.value.sessionId, event);
    sendJson(res, 200, { received: true, applied: session?.status === event.status });
  }

  return async function handle(req, res, next) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) {
      if (next) return next();
      return sendError(res, new HttpError(404, 'not_found', 'Not found'));
    }
    const route = path.slice(basePath.length);
    try {
      let match: RegExpMatchArray | null;
      if (route === '/sessions' && req.method === 'POST') await createSession(req, res);
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
