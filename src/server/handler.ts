// The merchant backend's HTTP door (SPEC §7): its routes for node:http (Express, Fastify…), their
// input checks and their errors as JSON. What a route does to a payment session is the sessions'
// own operation (sessions.ts); the status stream is push.ts. The amount comes from the merchant's
// `order` callback, never from the browser; the provider's secret key never leaves this process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, HttpError, parseJson, readBody, routeOf, sendError, sendJson } from './http.js';
import { fetchDoor } from './fetch-door.js';
import { fingerprintOf } from './idempotency.js';
import { statusStreams, wantsEventStream } from './push.js';
import { ProviderError, ProviderRequestError, WebhookVerificationError, type Logger, type PaymentProvider } from './providers/types.js';
import { OrderError, paymentSessions, type OrderRequest, type StatusChange } from './sessions.js';
import { memoryStore, type SessionStore } from './store.js';
import type { CheckoutSessionJson, Environment, Order, SessionInfo, StatusJson, StoredSession } from './types.js';

export { OrderError } from './sessions.js';
export type { OrderRequest, StatusChange } from './sessions.js';

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
  /** A comment line on open status streams this often, so that proxies keep them (default 15 s). */
  streamHeartbeatMs?: number;
  /**
   * Open status streams (`Accept: text/event-stream`) of one session in one process, at most
   * (default 20); more are answered 429 with Retry-After, and the widget polls instead.
   */
  maxStreamsPerSession?: number;
  /** Open status streams in one process, at most (default 10,000); more are answered 429. */
  maxStreams?: number;
  /** How long a status stream stays open after its session's expiry (default 60 s); the widget then polls. */
  streamGraceMs?: number;
  /**
   * How long a create request holds its Idempotency-Key while it works (default 30 s), renewed
   * every third of it while the process lives: a process that dies mid-create blocks the key
   * for this long at most.
   */
  claimLeaseMs?: number;
  /**
   * The merchant's server learns every outcome here, and fulfils orders here, never from the
   * browser: called once for each status change of a session, wherever and by whichever process
   * it was found, and retried (with the same `eventId`) until it returns without throwing.
   */
  onStatusChange?: (change: StatusChange) => unknown;
  /**
   * How often pending sessions whose outcome is overdue are asked about at the provider, and
   * undelivered changes retried (default 60 s; 0 = off: call `handler.reconcile()` from a scheduler).
   */
  reconcileIntervalMs?: number;
  logger?: Logger;
}

export interface CheckoutHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void>;
  /** The session as the merchant's server sees it, or undefined. */
  getSession(sessionId: string): Promise<SessionInfo | undefined>;
  /** Asks the provider about overdue pending sessions and retries undelivered changes. */
  reconcile(): Promise<{ checked: number; changed: number }>;
  /** Cancels a pending session: at the provider where it documents a way, else here (its expiry ends it there). */
  cancel(sessionId: string): Promise<SessionInfo>;
  /** Refunds a session that succeeded: `amount` minor units, or all that is left. */
  refund(sessionId: string, options?: { amount?: number; reason?: string }): Promise<SessionInfo>;
  /** Stops its timers (reconciliation, retries) and ends this process's status streams and their subscription. */
  close(): Promise<void>;
  /** The same routes for Fetch API runtimes (Next.js route handlers, Hono, Bun, Deno, workers). */
  fetch(request: Request): Promise<Response>;
}

const CREATE_BODY_LIMIT = 16 * 1024;
const WEBHOOK_BODY_LIMIT = 256 * 1024;

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

/**
 * The `{id}` of the route `/sessions/{id}{suffix}` (an id without `/`), or undefined when `route`
 * is another. String operations where a regex match took three times as long: the status route
 * is the polling hot path.
 */
function sessionIdIn(route: string, suffix: string): string | undefined {
  const prefix = '/sessions/';
  if (route.length <= prefix.length + suffix.length || !route.startsWith(prefix) || !route.endsWith(suffix)) return undefined;
  const id = route.slice(prefix.length, route.length - suffix.length);
  return id.includes('/') ? undefined : id;
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
  const reconcile = options.reconcileIntervalMs;
  if (reconcile !== undefined && !(Number.isFinite(reconcile) && (reconcile === 0 || reconcile >= 10))) fail('options.reconcileIntervalMs must be 0 (off) or at least 10 (ms)');
  if (options.onStatusChange !== undefined && typeof options.onStatusChange !== 'function') fail('options.onStatusChange must be a function');
}

export function createCheckoutHandler(options: CheckoutHandlerOptions): CheckoutHandler {
  checkOptions(options);
  const basePath = options.basePath.replace(/\/$/, '');
  const logger = options.logger ?? console;
  const { provider } = options;
  const store = options.store ?? memoryStore();
  const namespace = `${provider.name}${basePath}`;
  const providerCheckIntervalMs = options.providerCheckIntervalMs ?? 5000;
  const sessionTtlMs = options.sessionTtlMs ?? 24 * 60 * 60_000;
  /** Open status streams of this process; status changes reach every process's through the store's pub/sub. */
  const streams = statusStreams({
    store,
    channel: `status:${namespace}`,
    checkIntervalMs: providerCheckIntervalMs,
    heartbeatMs: options.streamHeartbeatMs ?? 15_000,
    maxStreamsPerSession: options.maxStreamsPerSession ?? 20,
    maxStreams: options.maxStreams ?? 10_000,
    graceMs: options.streamGraceMs ?? 60_000,
    sessionTtlMs,
    lookAgain: (session) => sessions.lookAgain(session),
    statusJson,
    logger,
  });
  const sessions = paymentSessions({
    provider,
    namespace,
    store,
    order: options.order,
    returnUrl: options.returnUrl,
    sessionTtlMs,
    paymentLifetimeMs: options.paymentLifetimeMs,
    providerCheckIntervalMs,
    claimLeaseMs: options.claimLeaseMs ?? 30_000,
    onStatusChange: options.onStatusChange,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 60_000,
    notify: (session) => streams.publish(session),
    logger,
  });

  function toJson(session: StoredSession): CheckoutSessionJson {
    return {
      id: session.id,
      amount: session.amount,
      statusUrl: `${basePath}/sessions/${session.id}/status`,
      push: 'sse',
      ...(session.status === 'pending' ? { cancelUrl: `${basePath}/sessions/${session.id}/cancel` } : {}),
      ...(session.qrCode ? { qrCode: session.qrCode } : {}),
      ...(session.redirectUrl ? { redirectUrl: session.redirectUrl } : {}),
      ...(session.expiresAt ? { expiresAt: session.expiresAt } : {}),
      flow: session.flow,
      status: session.status,
      ...(session.merchantName ? { merchantName: session.merchantName } : {}),
      reference: session.reference,
    };
  }

  function statusJson(session: Pick<StoredSession, 'status' | 'failureCode' | 'failureMessage'>): StatusJson {
    // Assigned, not spread: every status poll builds one.
    const json: StatusJson = { status: session.status };
    if (session.failureCode) json.failureCode = session.failureCode;
    if (session.failureMessage) json.failureMessage = session.failureMessage;
    return json;
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
    const { value: session, created } = await sessions.create({
      idempotencyKey: key,
      fingerprint,
      context: body.context,
      environment,
      locale,
      request: req,
      userAgent: headerValue(req, 'user-agent'),
    });
    sendJson(res, created ? 201 : 200, toJson(session));
  }

  async function sessionStatusStream(req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
    await streams.serve(req, res, sessionId, async () => sessions.checked(await sessions.find(sessionId)));
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
    // A provider failure while confirming a notice answers 502: the provider sends it again.
    acknowledge(event ? await sessions.receive(event) : false);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> {
    const route = routeOf(req.url ?? '/', basePath);
    if (route === undefined) {
      if (next) return next();
      return sendError(res, new HttpError(404, 'not_found', 'Not found'));
    }
    try {
      let match: RegExpMatchArray | null;
      let sessionId: string | undefined;
      if (route === null) throw new HttpError(404, 'not_found', 'Not found');
      else if ((sessionId = sessionIdIn(route, '/status')) !== undefined && req.method === 'GET') {
        if (wantsEventStream(req)) await sessionStatusStream(req, res, sessionId);
        else sendJson(res, 200, statusJson(await sessions.status(sessionId))); // the polling hot path
      }
      else if (route === '/sessions' && req.method === 'POST') await createSession(req, res);
      else if ((sessionId = sessionIdIn(route, '/cancel')) !== undefined && req.method === 'POST') {
        await readBody(req, CREATE_BODY_LIMIT); // whatever the page sent: nothing in it counts
        sendJson(res, 200, statusJson(await sessions.cancel(sessionId)));
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
  }

  return Object.assign(handle, {
    getSession: sessions.getSession,
    reconcile: sessions.reconcile,
    cancel: sessions.cancel,
    refund: sessions.refund,
    fetch: fetchDoor(handle),
    async close() {
      await streams.close();
      await sessions.close();
    },
  });
}
