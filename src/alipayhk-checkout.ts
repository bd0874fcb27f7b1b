import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { CountdownController } from './controllers/countdown-controller.js';
import { StatusPollController } from './controllers/status-poll-controller.js';
import type { AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
import { clockSkewMs, formatRemaining, localExpiryMs } from './lib/clock.js';
import { detectEnvironment, type Environment } from './lib/environment.js';
import { newIdempotencyKey } from './lib/idempotency.js';
import { matchLocale, type Locale } from './lib/locale.js';
import { formatMoney } from './lib/money.js';
import { nextPollDelay } from './lib/poll-schedule.js';
import { choosePresentation, type FlowPreference, type Presentation } from './lib/presentation.js';
import { encodeQr, loadQrEncoder, type QrMatrix } from './lib/qr.js';
import { postCancel, postCreateSession, type JsonResponse } from './lib/requests.js';
import { clearResume, contextFingerprint, loadResume, saveResume, type ResumeRecord } from './lib/resume.js';
import { parseSession, type CheckoutSession } from './lib/session.js';
import { CheckoutStatus, type StatusResult } from './lib/status.js';
import { messages, type Messages } from './locales/index.js';
import { styles } from './alipayhk-checkout.styles.js';

/** What the shopper sees; finer than `status` (a pending payment is a QR, a button or "Confirming…"). */
type View = 'idle' | 'creating' | 'qr' | 'redirect' | 'confirming' | 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'error';

/** One session from the moment it is shown until its single terminal event. */
interface Run {
  session: CheckoutSession;
  presentation: Presentation;
  /** Set by the terminal event: nothing of this run may emit again. */
  settled: boolean;
  record?: ResumeRecord;
}

interface CreateAttempt {
  sessionUrl: string;
  idempotencyKey: string;
  environment: Environment;
  abort: AbortController;
}

const DEFAULT_POLL_INTERVAL_MS = 2000;

/** Transient create failures retried with the same idempotency key before giving up. */
const CREATE_RETRIES = 2;

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // denied, e.g. sandboxed iframes or blocked storage
  }
}

function isTransientHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Takes an AlipayHK payment: creates (or takes) a session, shows a QR on a desktop or sends a
 * phone to the AlipayHK app, polls the merchant's backend and reports the outcome.
 *
 * @tagname alipayhk-checkout
 * @fires alipayhk-ready - A valid session is shown. Detail: `{ session, flow, environment }`.
 * @fires alipayhk-status - The status changed. Detail: `{ status, previous }`.
 * @fires alipayhk-redirect - Just before navigating to the wallet; cancelable. Detail: `{ url }`.
 * @fires alipayhk-success - The payment succeeded. Detail: `{ sessionId, result }`.
 * @fires alipayhk-failure - The payment failed or was declined. Detail: `{ sessionId, code, message }`.
 * @fires alipayhk-expired - The session expired unpaid. Detail: `{ sessionId }`.
 * @fires alipayhk-cancel - The payment was cancelled. Detail: `{ sessionId }`.
 * @fires alipayhk-error - Something stopped the flow. Detail: `{ code, message, fatal }`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart amount - The formatted amount.
 * @csspart message - The state message (also the live region).
 * @csspart detail - Instructions, failure reason or error message.
 * @csspart qr - The QR code's `<svg>`.
 * @csspart countdown - "Code expires in 4:59".
 * @csspart button - Every button: Pay with AlipayHK, Try again, Get a new code.
 * @csspart link - "Open AlipayHK on this device".
 *
 * @cssprop --alipayhk-brand-color - Buttons and links.
 * @cssprop --alipayhk-brand-text-color - Text on buttons.
 * @cssprop --alipayhk-text-color
 * @cssprop --alipayhk-muted-color - Instructions and countdown.
 * @cssprop --alipayhk-background
 * @cssprop --alipayhk-success-color
 * @cssprop --alipayhk-error-color
 * @cssprop --alipayhk-radius
 * @cssprop --alipayhk-qr-size - Width and height of the QR (default 200px).
 * @cssprop --alipayhk-qr-color - Colour of the QR modules (keep it dark on light).
 * @cssprop --alipayhk-font-family
 */
export class AlipayHKCheckout extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: Lit's decorators and their helper cost ~0.4 KB gzip.
  // (`attribute: false` on the states is Lit's default; it keeps them out of custom-elements.json.)
  static override properties = {
    sessionUrl: { attribute: 'session-url' },
    session: { attribute: false },
    context: { attribute: false },
    flow: {},
    locale: {},
    pollInterval: { attribute: 'poll-interval', type: Number },
    autoRedirect: { attribute: 'auto-redirect', type: Boolean },
    _status: { state: true, attribute: false },
    _view: { state: true, attribute: false },
    _reconnecting: { state: true, attribute: false },
    _qr: { state: true, attribute: false },
    _detail: { state: true, attribute: false },
  };

  /** How long a status request may take before it is abandoned and retried (ms). */
  static requestTimeoutMs = 15_000;

  static {
    // Starting the flow when `session` or `session-url` is set is the update's purpose, not a slip.
    this.disableWarning?.('change-in-update');
  }

  /** Merchant endpoint that creates a session (SPEC §3). */
  sessionUrl?: string;
  /** A session the page already has; setting it starts (or restarts) the flow with it. */
  session?: CheckoutSession;
  /** Passed through unchanged in the create request (order id, cart id…). */
  context?: unknown;
  flow: FlowPreference = 'auto';
  locale?: Locale;
  /** Base status-poll interval in ms while the page is visible. */
  pollInterval = DEFAULT_POLL_INTERVAL_MS;
  /** Redirect flow: navigate at once instead of showing the "Pay with AlipayHK" button. */
  autoRedirect = false;

  private _status: CheckoutStatus = CheckoutStatus.idle;
  private _view: View = 'idle';
  private _reconnecting = false;
  private _qr?: QrMatrix;
  private _detail = '';

  #environment?: Environment;
  #run?: Run;
  #create?: CreateAttempt;
  /** A create request cut off by leaving the DOM, to send again (same key) on return. */
  #interruptedCreate?: Omit<CreateAttempt, 'abort'>;
  #storage = sessionStorageOrUndefined();
  /** Sessions that have had their terminal event, so that showing one again cannot repeat it. */
  #settledSessionIds = new Set<string>();

  #poll = new StatusPollController(this, {
    onResult: (result) => this.#finish(result),
    onFatal: (code, reason) => this.#fail(code, `Status request failed: ${reason}`, true),
    onReconnecting: (reconnecting) => (this._reconnecting = reconnecting),
    intervalMs: () => this.#intervalMs(),
    requestTimeoutMs: () => (this.constructor as typeof AlipayHKCheckout).requestTimeoutMs,
  });
  #countdown = new CountdownController(this);

  /** `idle`, `creating`, `pending`, `succeeded`, `failed`, `expired`, `cancelled` or `error`. */
  get status(): CheckoutStatus {
    return this._status;
  }

  /** The shopper's environment (SPEC §5), detected once. */
  get environment(): Environment {
    return (this.#environment ??= detectEnvironment());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const interrupted = this.#interruptedCreate;
    if (interrupted) {
      this.#interruptedCreate = undefined;
      void this.#createSession(interrupted.sessionUrl, interrupted.idempotencyKey, interrupted.environment);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const attempt = this.#create;
    if (attempt) {
      this.#create = undefined;
      attempt.abort.abort();
      this.#interruptedCreate = attempt;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('session') && this.session !== undefined) {
      this.#useSession(this.session, this.#resolvedSessionUrl());
    } else if (this._status === CheckoutStatus.idle && this.sessionUrl && !this.#create && !this.#interruptedCreate) {
      void this.start();
    }
  }

  /**
   * Begins: takes the `session` property, resumes a pending session of the same `session-url`
   * from this tab, or creates a new one. Only from `idle` or `error`: after an outcome, `retry()`
   * or a new `session` begins again.
   */
  async start(): Promise<void> {
    if (this._status !== CheckoutStatus.idle && this._status !== CheckoutStatus.error) return;
    if (this.session !== undefined) {
      this.#useSession(this.session, this.#resolvedSessionUrl());
      return;
    }
    const sessionUrl = this.#resolvedSessionUrl();
    if (!sessionUrl) {
      this.#fail('missing-session-url', 'session-url is required (or set the session property)', true);
      return;
    }
    let record = loadResume(this.#storage, sessionUrl);
    // Made for another cart: its code must not stay payable, and this page gets its own session. Not
    // when the shopper was sent to the wallet with it: they may have paid, and this is the way back.
    if (record?.contextFingerprint !== undefined && !record.redirected && record.contextFingerprint !== contextFingerprint(this.context)) {
      if (record.session?.cancelUrl) postCancel(record.session.cancelUrl);
      this.#forget(sessionUrl);
      record = undefined;
    }
    if (record?.session) {
      this.#environment = record.environment;
      this.#useSession(record.session, sessionUrl, record);
      return;
    }
    // A record without a session: the page went away while creating. The same key gets the same session.
    await this.#createSession(sessionUrl, record?.idempotencyKey ?? newIdempotencyKey(), record?.environment ?? this.environment);
  }

  /** Stops waiting for the payment and emits `alipayhk-cancel`. */
  cancel(): void {
    const run = this.#run;
    if (this.#create) {
      this.#create.abort.abort();
      this.#create = undefined;
      this.#forget(this.#resolvedSessionUrl());
      this.#show('cancelled', CheckoutStatus.cancelled);
      this.#emit('alipayhk-cancel', { sessionId: '' });
    } else if (run && !run.settled) {
      // Tell the merchant's server, so that the code can no longer be paid.
      if (run.session.cancelUrl) postCancel(run.session.cancelUrl);
      this.#finish({ status: 'cancelled' });
    }
  }

  /** After `failed`, `expired`, `cancelled` or `error`: a fresh session from `session-url` with a new idempotency key. */
  async retry(): Promise<void> {
    const retryable: CheckoutStatus[] = ['failed', 'expired', 'cancelled', 'error'];
    if (!retryable.includes(this._status)) return;
    const sessionUrl = this.#resolvedSessionUrl();
    if (!sessionUrl) {
      this.#fail('missing-session-url', 'retry() needs session-url', true);
      return;
    }
    // After an error the old session's outcome is unknown: the server is told to close it, so that
    // its code cannot be paid beside the new one.
    const cancelUrl = this._status === CheckoutStatus.error ? this.#run?.session.cancelUrl : undefined;
    if (cancelUrl) postCancel(cancelUrl);
    this.#forget(sessionUrl);
    await this.#createSession(sessionUrl, newIdempotencyKey(), this.environment);
  }

  #intervalMs(): number {
    return Number.isFinite(this.pollInterval) && this.pollInterval > 0 ? this.pollInterval : DEFAULT_POLL_INTERVAL_MS;
  }

  #resolvedSessionUrl(): string | undefined {
    if (!this.sessionUrl) return undefined;
    try {
      return new URL(this.sessionUrl, document.baseURI).href;
    } catch {
      return undefined;
    }
  }

  #forget(sessionUrl: string | undefined): void {
    if (sessionUrl) clearResume(this.#storage, sessionUrl);
  }

  /** Drops the session or create request in progress, silently: what replaces it will speak. */
  #reset(): void {
    this.#create?.abort.abort();
    this.#create = undefined;
    this.#poll.stop();
    this.#countdown.stop();
    this.#run = undefined;
    this._qr = undefined;
  }

  async #createSession(sessionUrl: string, idempotencyKey: string, environment: Environment): Promise<void> {
    this.#reset();
    this.#environment = environment;
    const attempt: CreateAttempt = { sessionUrl, idempotencyKey, environment, abort: new AbortController() };
    this.#create = attempt;
    this.#show('creating', CheckoutStatus.creating);
    const fingerprint = contextFingerprint(this.context);
    saveResume(this.#storage, { sessionUrl, idempotencyKey, environment, contextFingerprint: fingerprint });

    // Fetch the encoder alongside the session when a QR is likely; phones never load it.
    if (this.flow === 'qr' || (this.flow === 'auto' && environment.flow === 'qr')) void loadQrEncoder().catch(() => undefined);
    const body = { environment, locale: this.#locale(), context: this.context };
    let response: JsonResponse | undefined;
    for (let failures = 0; ; failures++) {
      try {
        response = await postCreateSession(sessionUrl, body, idempotencyKey, attempt.abort.signal);
      } catch {
        response = undefined; // network failure, or aborted (checked below)
      }
      if (this.#create !== attempt) return; // cancelled, replaced or disconnected
      // A 2xx whose body was cut off is as good as no answer: ask again under the same key.
      const unreadable = response !== undefined && response.status < 300 && response.body === undefined;
      const transient = response === undefined || unreadable || isTransientHttpStatus(response.status);
      if (!transient || failures >= CREATE_RETRIES) break;
      const delay = nextPollDelay({ intervalMs: this.#intervalMs(), elapsedMs: 0, consecutiveFailures: failures + 1, random: Math.random() });
      try {
        await abortableDelay(delay, attempt.abort.signal);
      } catch {
        return;
      }
    }
    this.#create = undefined;
    if (response === undefined || (response.status !== 200 && response.status !== 201) || response.body === undefined) {
      this.#forget(sessionUrl);
      const serverMessage = (response?.body as { message?: unknown } | undefined)?.message;
      const reason = response ? `HTTP ${response.status}` : 'network error';
      this.#fail(
        'create-failed',
        `Creating the session failed (${reason})${typeof serverMessage === 'string' ? `: ${serverMessage.slice(0, 200)}` : ''}`,
        response !== undefined && !isTransientHttpStatus(response.status),
      );
      return;
    }
    const skew = clockSkewMs(response.headers.get('Date'), response.sentAtMs, response.receivedAtMs);
    this.#useSession(response.body, sessionUrl, { sessionUrl, idempotencyKey, environment, clockSkewMs: skew, contextFingerprint: fingerprint });
  }

  /** Validates and shows a session; `record` is kept for resuming when there is a `sessionUrl`. */
  #useSession(json: unknown, sessionUrl: string | undefined, record?: ResumeRecord): void {
    this.#reset();
    let session: CheckoutSession;
    try {
      session = parseSession(json, document.baseURI);
    } catch (error) {
      this.#forget(sessionUrl);
      this.#fail('invalid-session', `Invalid session: ${(error as Error).message}`, true);
      return;
    }
    const environment = record?.environment ?? this.environment;
    // A shopper already sent to the wallet is in the redirect flow, whatever this page would pick.
    const preference = record?.redirected ? 'redirect' : this.flow;
    const presentation = choosePresentation(session, environment, preference, this.autoRedirect);
    if (sessionUrl) {
      record = { sessionUrl, environment, idempotencyKey: record?.idempotencyKey ?? newIdempotencyKey(), ...record, session };
      saveResume(this.#storage, record);
    }
    const run: Run = { session, presentation, settled: false, record };
    this.#run = run;
    this._reconnecting = false;
    this._detail = '';

    const view: View = presentation.flow === 'qr' ? 'qr' : record?.redirected ? 'confirming' : 'redirect';
    this.#show(view, CheckoutStatus.pending);
    this.#emit('alipayhk-ready', { session, flow: presentation.flow, environment });

    if (session.status && session.status !== 'pending') {
      this.#finish({ status: session.status });
      return;
    }
    const expiresAtMs = session.expiresAt ? localExpiryMs(session.expiresAt, record?.clockSkewMs ?? 0) : undefined;
    this.#poll.start(session.statusUrl, expiresAtMs, session.push === 'sse');
    if (presentation.flow === 'qr') {
      this.#countdown.start(expiresAtMs);
      encodeQr(presentation.qrContent).then(
        (qr) => {
          if (this.#run === run) this._qr = qr;
        },
        (error: Error) => {
          if (this.#run === run) this.#fail('invalid-session', `Invalid session: qrCode cannot be encoded (${error.message})`, true);
        },
      );
    } else if (presentation.automatic && !record?.redirected) {
      this.#redirect();
    }
  }

  #redirect = (): void => {
    const run = this.#run;
    if (!run || run.settled || run.presentation.flow !== 'redirect') return;
    const url = run.presentation.redirectUrl;
    if (run.record) {
      run.record.redirected = true;
      saveResume(this.#storage, run.record);
    }
    const event = this.#emit('alipayhk-redirect', { url }, true);
    this.#show('confirming', CheckoutStatus.pending);
    if (!event.defaultPrevented) window.location.assign(url);
  };

  #finish(result: StatusResult): void {
    const run = this.#run;
    if (!run || run.settled || result.status === 'pending') return;
    run.settled = true;
    this.#stopWaiting();
    this.#forget(run.record?.sessionUrl);
    const sessionId = run.session.id;
    // Shown again after its outcome (the page set the same session twice): show it, say it once.
    const announce = !this.#settledSessionIds.has(sessionId);
    this.#settledSessionIds.add(sessionId);
    const emit = <K extends AlipayHKEventName>(name: K, detail: AlipayHKEventDetails[K]) => announce && this.#emit(name, detail);
    switch (result.status) {
      case 'succeeded':
        this.#show('succeeded', CheckoutStatus.succeeded);
        emit('alipayhk-success', { sessionId, result });
        break;
      case 'failed': {
        const message = result.failureMessage ?? this.#messages().failed;
        this._detail = message;
        this.#show('failed', CheckoutStatus.failed);
        emit('alipayhk-failure', { sessionId, code: result.failureCode ?? 'failed', message });
        break;
      }
      case 'expired':
        this.#show('expired', CheckoutStatus.expired);
        emit('alipayhk-expired', { sessionId });
        break;
      case 'cancelled':
        this.#show('cancelled', CheckoutStatus.cancelled);
        emit('alipayhk-cancel', { sessionId });
        break;
    }
  }

  #fail(code: ErrorCode, message: string, fatal: boolean): void {
    if (this.#run) this.#run.settled = true;
    this.#stopWaiting();
    this._detail = message;
    this.#show('error', CheckoutStatus.error);
    this.#emit('alipayhk-error', { code, message, fatal });
  }

  #stopWaiting(): void {
    this.#poll.stop();
    this.#countdown.stop();
    this._reconnecting = false;
  }

  #show(view: View, status: CheckoutStatus): void {
    this._view = view;
    const previous = this._status;
    if (previous === status) return;
    this._status = status;
    this.#emit('alipayhk-status', { status, previous });
  }

  #emit<K extends AlipayHKEventName>(name: K, detail: AlipayHKEventDetails[K], cancelable = false): CustomEvent {
    const event = new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable });
    this.dispatchEvent(event);
    return event;
  }

  #locale(): Locale {
    if (this.locale && Object.hasOwn(messages, this.locale)) return this.locale;
    const lang = this.closest('[lang]')?.getAttribute('lang');
    return matchLocale([lang, ...(globalThis.navigator?.languages ?? [])]);
  }

  #messages(): Messages {
    return messages[this.#locale()];
  }

  protected override render(): TemplateResult {
    const t = this.#messages();
    const run = this.#run;
    const view = this._view;
    const amount = run ? formatMoney(run.session.amount, this.#locale()) : undefined;
    return html`<div part="base" class="base" data-view=${view}>
      ${amount ? html`<div part="amount" class="amount">${amount}</div>` : nothing}
      <p part="message" class="message" role="status" aria-live="polite">${this.#message(t)}</p>
      ${this.#body(t, amount ?? '')}
    </div>`;
  }

  #message(t: Messages): string {
    const view = this._view;
    if (this._reconnecting && (view === 'qr' || view === 'redirect' || view === 'confirming')) return t.reconnecting;
    switch (view) {
      case 'idle':
        return '';
      case 'creating':
        return t.creating;
      case 'qr':
        return this.#countdown.remainingMs === 0 ? t.confirming : t.waiting;
      case 'redirect':
        return t.waiting;
      default:
        return t[view];
    }
  }

  #body(t: Messages, amount: string): TemplateResult | typeof nothing {
    const presentation = this.#run?.presentation;
    const retry = () => void this.retry();
    switch (this._view) {
      case 'qr':
        return presentation?.flow === 'qr' ? this.#qrBlock(t, presentation, amount) : nothing;
      case 'redirect':
      case 'confirming':
        return html`<button part="button" class="button" type="button" @click=${this.#redirect}>${t.pay}</button>`;
      case 'failed':
      case 'cancelled':
      case 'error':
        return html`${this._detail ? html`<p part="detail" class="detail">${this._detail}</p>` : nothing}
          ${this.sessionUrl ? html`<button part="button" class="button" type="button" @click=${retry}>${t.tryAgain}</button>` : nothing}`;
      case 'expired':
        return this.sessionUrl
          ? html`<button part="button" class="button" type="button" @click=${retry}>${t.newCode}</button>`
          : nothing;
      default:
        return nothing;
    }
  }

  #qrBlock(t: Messages, presentation: Extract<Presentation, { flow: 'qr' }>, amount: string): TemplateResult {
    const remaining = this.#countdown.remainingMs;
    // A code past its expiry is never left on screen for a shopper to scan.
    if (remaining === 0) return html``;
    const qr = this._qr;
    return html`<p part="detail" class="detail">${presentation.openHereUrl ? t.scanToContinue : t.scan}</p>
      ${qr
        ? html`<svg part="qr" class="qr" role="img" aria-label=${t.qrLabel(amount)} viewBox="0 0 ${qr.side} ${qr.side}"
            shape-rendering="crispEdges"><path d=${qr.path}></path></svg>`
        : nothing}
      ${remaining !== undefined ? html`<p part="countdown" class="countdown">${t.expiresIn(formatRemaining(remaining))}</p>` : nothing}
      ${presentation.openHereUrl
        ? html`<a part="link" class="link" href=${presentation.openHereUrl}>${t.openHere}</a>`
        : nothing}`;
  }
}
