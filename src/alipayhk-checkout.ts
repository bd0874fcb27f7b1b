import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import type { PopupController } from './controllers/popup-controller.js';
import type { QrController } from './controllers/qr-controller.js';
import { StatusPollController } from './controllers/status-poll-controller.js';
import type { TabSharingController } from './controllers/tab-sharing-controller.js';
import type { AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
import { localExpiryMs } from './lib/clock.js';
import { createSession } from './lib/create-session.js';
import { detectEnvironment, type Environment } from './lib/environment.js';
import { newIdempotencyKey } from './lib/idempotency.js';
import { matchLocale, LOCALES, type Locale } from './lib/locale.js';
import { navigate, navigationTarget } from './lib/navigation.js';
import { watchForOtherTabs, type TabPresence } from './lib/tab-presence.js';
import { formatMoney } from './lib/money.js';
import { choosePresentation, type FlowPreference, type Presentation } from './lib/presentation.js';
import { postCancel } from './lib/requests.js';
import { clearResume, contextFingerprint, loadResume, saveResume, type ResumeRecord } from './lib/resume.js';
import { parseSession, type CheckoutSession } from './lib/session.js';
import { CheckoutStatus, interpretStatusResponse, type StatusResult } from './lib/status.js';
import type { failureText as FailureText } from './locales/failure-reasons.js';
import { loadMessages, messagesFor, type Messages } from './locales/index.js';
import { styles } from './alipayhk-checkout.styles.js';
import { renderCheckout, type View, type ViewActions } from './checkout-view.js';

/** One session from the moment it is shown until its single terminal event. */
interface Run {
  session: CheckoutSession;
  presentation: Presentation;
  /** Set by the terminal event: nothing of this run may emit again. */
  settled: boolean;
  record?: ResumeRecord;
  /** Local time of `expiresAt`, corrected for clock skew. */
  expiresAtMs?: number;
}

interface CreateAttempt {
  sessionUrl: string;
  idempotencyKey: string;
  environment: Environment;
  abort: AbortController;
}

const DEFAULT_POLL_INTERVAL_MS = 2000;

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // denied, e.g. sandboxed iframes or blocked storage
  }
}

/**
 * Takes an AlipayHK payment: creates (or takes) a session, shows a QR on a desktop or sends a
 * phone to the AlipayHK app, polls the merchant's backend and reports the outcome.
 *
 * @tagname alipayhk-checkout
 * @fires alipayhk-ready - A valid session is shown. Detail: `{ session, flow, environment }`.
 * @fires alipayhk-status - The status changed. Detail: `{ status, previous }`.
 * @fires alipayhk-redirect - Just before navigating to the wallet or opening the provider's popup; cancelable. Detail: `{ url, target }` (`self`, `top` or `popup`).
 * @fires alipayhk-success - The payment succeeded. Detail: `{ sessionId, result }`.
 * @fires alipayhk-failure - The payment failed or was declined. Detail: `{ sessionId, code, message }`.
 * @fires alipayhk-expired - The session expired unpaid. Detail: `{ sessionId }`.
 * @fires alipayhk-cancel - The payment was cancelled. Detail: `{ sessionId }`.
 * @fires alipayhk-error - Something stopped the flow. Detail: `{ code, message, fatal }`.
 *
 * @slot brand - The official AlipayHK / Alipay+ logo that Alipay+ supplies to merchants (none ships with this package).
 *
 * @csspart base - The wrapper of everything.
 * @csspart brand - The wallet's name, `AlipayHK`, shown when the `brand` slot is empty.
 * @csspart merchant - The merchant's name.
 * @csspart amount - The formatted amount.
 * @csspart reference - "Order A-1001".
 * @csspart spinner - Shown while creating, confirming and waiting on the popup (still under `prefers-reduced-motion`).
 * @csspart mark - The success tick or the failure cross.
 * @csspart message - The state message (also the live region).
 * @csspart detail - The reason a payment failed.
 * @csspart qr - The QR code's `<svg>`.
 * @csspart countdown - "Code expires in 4:59" (`role="timer"`).
 * @csspart button - Every button: Pay with AlipayHK, Try again, Get a new code, and the secondary ones.
 *
 * @attr {'auto'} theme - `auto` follows the system's dark mode (`prefers-color-scheme`); without it the widget is light.
 *
 * @cssprop --alipayhk-brand-color - Buttons and links.
 * @cssprop --alipayhk-brand-text-color - Text on buttons.
 * @cssprop --alipayhk-text-color
 * @cssprop --alipayhk-muted-color - Instructions and countdown.
 * @cssprop --alipayhk-background
 * @cssprop --alipayhk-border-color - The widget's border and the spinner's track.
 * @cssprop --alipayhk-success-color
 * @cssprop --alipayhk-error-color
 * @cssprop --alipayhk-radius
 * @cssprop --alipayhk-qr-size - Width and height of the QR (default 200px, never under 160px).
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
    _failure: { state: true, attribute: false },
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
  private _failure?: StatusResult;

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
  /** What the view's buttons do. */
  #actions: ViewActions = {
    pay: () => this.#redirect(),
    payWithAnotherPhone: () => void this.#payWithAnotherPhone(),
    retry: () => void this.retry(),
  };
  /** The QR, its countdown and their chunk (with the encoder), loaded where a QR is shown. */
  #qr?: Promise<QrController>;
  #qrShown?: QrController;
  /** Loaded with the first session shown through a provider's page (desktops only). */
  #popup?: PopupController;
  /** Loaded with the first failure: what each `failureCode` means, in the shopper's words. */
  #failureText?: typeof FailureText;
  // Other tabs on this session: every tab hears the outcome; which one checks is decided by the
  // sharing, loaded only when another tab shows the same session (tab-presence.ts).
  #presence?: TabPresence;
  #tabs?: TabSharingController;

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
      if (record.session?.cancelUrl) void postCancel(record.session.cancelUrl);
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
      if (run.session.cancelUrl) void postCancel(run.session.cancelUrl);
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
    if (cancelUrl) void postCancel(cancelUrl);
    this.#forget(sessionUrl);
    await this.#createSession(sessionUrl, newIdempotencyKey(), this.environment);
  }

  /**
   * "Pay with another phone" (SPEC §2): the pending session is cancelled first, so that its code
   * cannot be paid beside the new one; only once the server says it is cancelled is a session
   * for a desktop (a QR) created. Any other answer keeps the shopper on the session they have
   * (it may have been paid: the status check that follows tells).
   */
  async #payWithAnotherPhone(): Promise<void> {
    const run = this.#run;
    const sessionUrl = this.#resolvedSessionUrl();
    const cancelUrl = run?.session.cancelUrl;
    if (!run || run.settled || !sessionUrl || !cancelUrl) return;
    // Not a check meanwhile: a "cancelled" it would read is this step, not the shopper's outcome.
    this.#poll.stop();
    const outcome = interpretStatusResponse(200, await postCancel(cancelUrl));
    if (this.#run !== run || run.settled) return;
    if (outcome.kind !== 'result' || outcome.result.status !== 'cancelled') {
      if (outcome.kind === 'result') this.#finish(outcome.result);
      else this.#lead(true); // no answer: check again at once
      return;
    }
    run.settled = true;
    this.#forget(sessionUrl);
    // A desktop's environment (WEB, a QR), which is what a user agent that names nothing reads as.
    await this.#createSession(sessionUrl, newIdempotencyKey(), detectEnvironment('', {}));
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
    this.#stopWaiting();
    this.#popup?.close();
    this.#run = undefined;
    this._failure = undefined;
  }

  async #createSession(sessionUrl: string, idempotencyKey: string, environment: Environment): Promise<void> {
    this.#reset();
    this.#environment = environment;
    const attempt: CreateAttempt = { sessionUrl, idempotencyKey, environment, abort: new AbortController() };
    this.#create = attempt;
    this.#show('creating', CheckoutStatus.creating);
    const fingerprint = contextFingerprint(this.context);
    saveResume(this.#storage, { sessionUrl, idempotencyKey, environment, contextFingerprint: fingerprint });

    // A desktop fetches the QR's chunk and the popup's alongside the session (it will show one or
    // the other), so that a quick click finds them; phones never load them.
    if (this.flow === 'qr' || (this.flow === 'auto' && environment.flow === 'qr')) {
      void this.#loadQr().catch(() => undefined);
      this.#loadPopup();
    }
    const request = { environment, locale: this.#locale(), context: this.context };
    const outcome = await createSession(sessionUrl, request, idempotencyKey, attempt.abort.signal, this.#intervalMs());
    if (this.#create !== attempt || !outcome) return; // cancelled, replaced or disconnected
    this.#create = undefined;
    if (!outcome.created) {
      this.#forget(sessionUrl);
      this.#fail('create-failed', outcome.message, outcome.fatal);
      return;
    }
    this.#useSession(outcome.body, sessionUrl, { sessionUrl, idempotencyKey, environment, clockSkewMs: outcome.clockSkewMs, contextFingerprint: fingerprint });
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

    const view: View = 'popupUrl' in presentation ? 'popup' : presentation.flow === 'qr' ? 'qr' : record?.redirected ? 'confirming' : 'redirect';
    this.#show(view, CheckoutStatus.pending);
    this.#emit('alipayhk-ready', { session, flow: presentation.flow, environment });

    if (session.status && session.status !== 'pending') {
      this.#finish({ status: session.status });
      return;
    }
    const expiresAtMs = session.expiresAt ? localExpiryMs(session.expiresAt, record?.clockSkewMs ?? 0) : undefined;
    run.expiresAtMs = expiresAtMs;
    // This tab checks at once; once another tab shows the session too, the sharing decides which.
    // (Without the sharing's chunk, each tab goes on checking by itself.)
    this.#presence = watchForOtherTabs(session.id, () => void this.#shareWithOtherTabs(run).catch(() => undefined), (result) => this.#finish(result, true));
    if (this.#tabs) this.#tabs.join(session.id);
    else this.#lead(true);
    if ('popupUrl' in presentation) this.#loadPopup();
    if ('qrContent' in presentation) {
      this.#loadQr().then(
        (qr) => {
          if (this.#run !== run) return;
          qr.start(presentation.qrContent, expiresAtMs);
          this.#qrShown = qr;
        },
        (error: Error) => {
          if (this.#run === run) this.#fail('invalid-session', `Invalid session: qrCode cannot be encoded (${error.message})`, true);
        },
      );
    } else if ('automatic' in presentation && presentation.automatic && !record?.redirected && navigationTarget(window) === 'self') {
      // Inside a frame the top-level page may only be navigated from the shopper's click.
      this.#redirect();
    }
  }

  /** Without the popup's chunk (it did not come, or not yet), the pay button opens the page in this tab. */
  #loadPopup(): void {
    if (!this.#popup) import('./controllers/popup-controller.js').then(({ PopupController }) => void (this.#popup ??= new PopupController(this)), () => undefined);
  }

  #loadQr(): Promise<QrController> {
    const loading = (this.#qr ??= import('./controllers/qr-controller.js').then(({ QrController }) => new QrController(this)));
    // A chunk that failed to load (the network blipped) is tried again next time.
    loading.catch(() => (this.#qr = undefined));
    return loading;
  }

  async #shareWithOtherTabs(run: Run): Promise<void> {
    const { TabSharingController } = await import('./controllers/tab-sharing-controller.js');
    this.#tabs ??= new TabSharingController(this, { onLeading: (leading) => this.#lead(leading) });
    if (this.#run === run && !run.settled) this.#tabs.join(run.session.id);
  }

  #lead(leading: boolean): void {
    const run = this.#run;
    if (!run || run.settled) return;
    if (leading) this.#poll.start(run.session.statusUrl, run.expiresAtMs, run.session.push === 'sse');
    else this.#poll.stop();
  }

  /** The pay button: sends the shopper to the wallet, or opens the provider's QR page in a popup. */
  #redirect(): void {
    const run = this.#run;
    if (!run || run.settled) return;
    const presentation = run.presentation;
    const popup = this.#popup;
    if ('popupUrl' in presentation) {
      const url = presentation.popupUrl;
      // Bring back a popup already open; else a new one, from this click.
      if (popup?.focus() || this.#emit('alipayhk-redirect', { url, target: 'popup' }, true).defaultPrevented) return;
      if (popup?.open(url)) {
        this.#show('popup-open', CheckoutStatus.pending);
        return;
      }
      // Blocked (or clicked before the popup's chunk arrived): the provider's page in this tab.
      this.#navigate(run, url);
    } else if ('redirectUrl' in presentation) {
      this.#navigate(run, presentation.redirectUrl);
    }
  }

  #navigate(run: Run, url: string): void {
    if (run.record) {
      run.record.redirected = true;
      saveResume(this.#storage, run.record);
    }
    const target = navigationTarget(window);
    const event = this.#emit('alipayhk-redirect', { url, target }, true);
    this.#show('confirming', CheckoutStatus.pending);
    if (!event.defaultPrevented) navigate(url, target);
  }

  /** A final status, from this tab's check or (`fromTab`) another tab's. */
  #finish(result: StatusResult, fromTab = false): void {
    const run = this.#run;
    if (!run || run.settled || result.status === 'pending') return;
    run.settled = true;
    if (!fromTab) this.#presence?.publish(result);
    this.#stopWaiting();
    this.#popup?.close();
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
      case 'failed':
        this._failure = result;
        // Without the chunk (the network blipped), the server's message rather than nothing.
        void import('./locales/failure-reasons.js').then(({ failureText }) => failureText, () => () => undefined).then((failureText) => {
          this.#failureText = failureText;
          this.requestUpdate();
        });
        this.#show('failed', CheckoutStatus.failed);
        emit('alipayhk-failure', { sessionId, code: result.failureCode ?? 'failed', message: result.failureMessage ?? 'Payment failed' });
        break;
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
    this.#show('error', CheckoutStatus.error);
    this.#emit('alipayhk-error', { code, message, fatal });
  }

  #stopWaiting(): void {
    this.#presence?.stop();
    this.#tabs?.leave();
    this.#poll.stop();
    this.#qrShown?.stop();
    this.#qrShown = undefined;
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
    if (LOCALES.includes(this.locale!)) return this.locale!;
    const lang = this.closest('[lang]')?.getAttribute('lang');
    return matchLocale([lang, ...(globalThis.navigator?.languages ?? [])]);
  }

  /** The locale's strings; undefined while they load (nothing is shown in another language meanwhile). */
  #messages(locale: Locale): Messages | undefined {
    const t = messagesFor(locale);
    if (!t) void loadMessages(locale).then(() => this.requestUpdate());
    return t;
  }

  protected override render(): TemplateResult {
    const run = this.#run;
    const failure = this._failure;
    const failureText = this.#failureText;
    const locale = this.#locale(); // once a render: the countdown renders every second
    return renderCheckout(
      {
        view: this._view,
        reconnecting: this._reconnecting && this._status === CheckoutStatus.pending,
        session: run?.session,
        amount: run ? formatMoney(run.session.amount, locale) : '',
        qr: this.#qrShown,
        // A QR for another phone, unless the page forced this flow, cannot cancel this session, or
        // the shopper is in the wallet already.
        anotherPhone: !!(run?.session.cancelUrl && this.sessionUrl && this.flow === 'auto' && !this.environment.inWallet),
        canRetry: !!this.sessionUrl,
        // While the reasons load, nothing rather than the server's English. An error's message is
        // for the page's developer (alipayhk-error), not the shopper.
        detail: failure && failureText && (failureText(failure.failureCode, locale) ?? failure.failureMessage),
        codeShown: !!run && 'qrContent' in run.presentation,
      },
      this.#messages(locale),
      this.#actions,
    );
  }
}
