// The timing half of polling (SPEC §4): one request at a time, on the schedule of
// poll-schedule.ts, never while the page is hidden, at once when the shopper comes back, and a
// last check at expiry. Everything it starts — timers, listeners, the request — stops when the
// host leaves the DOM; the poll itself resumes if the host comes back (moved in the DOM).
// When the session offers push (`push: 'sse'`), a Server-Sent Events stream on the same URL
// takes the place of the polls while the page is visible; any stream error or silence falls
// back to polling for the rest of the session, and the last check at expiry is always a poll.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nextPollDelay, parseRetryAfter } from '../lib/poll-schedule.js';
import { getStatus } from '../lib/requests.js';
import { interpretStatusResponse, type StatusOutcome, type StatusResult } from '../lib/status.js';

export interface StatusPollOptions {
  /** Called once with the first final status; polling has stopped by then. */
  onResult(result: StatusResult): void;
  /** Called when polling must end without a result (404, 401…); polling has stopped. */
  onFatal(code: 'session-not-found' | 'unauthorized', message: string): void;
  /** True while requests fail and are being retried. */
  onReconnecting(reconnecting: boolean): void;
  /** The base interval, read each time a request is scheduled. */
  intervalMs(): number;
  /** How long one status request may take before it is abandoned. */
  requestTimeoutMs(): number;
}

interface PollRun {
  statusUrl: string;
  /** The server offers the status as Server-Sent Events and no stream has failed yet. */
  push: boolean;
  stream?: EventSource;
  /** Falls back to polling when an opened stream says nothing. */
  streamWatchdog?: ReturnType<typeof setTimeout>;
  /** Local time at which the session expires, corrected for clock skew. */
  expiresAtMs?: number;
  startedAtMs: number;
  consecutiveFailures: number;
  retryAfterMs?: number;
  /** The request under way; cleared (and aborted) when it must no longer count. */
  request?: AbortController;
  /** A check was asked for (expiry, the shopper coming back) while a request was under way. */
  checkWhenAnswered?: boolean;
  timer?: ReturnType<typeof setTimeout>;
  expiryTimer?: ReturnType<typeof setTimeout>;
}

/** setTimeout fires at once for delays past 2^31 - 1 ms. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class StatusPollController implements ReactiveController {
  #run?: PollRun;
  #connected = false;
  #options: StatusPollOptions;
  #wake = () => void this.#check();

  constructor(host: ReactiveControllerHost, options: StatusPollOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Starts watching `statusUrl` at once (a stream when `push`, else polls), replacing any earlier run. */
  start(statusUrl: string, expiresAtMs?: number, push = false): void {
    this.stop();
    this.#run = { statusUrl, push: push && typeof EventSource === 'function', expiresAtMs, startedAtMs: Date.now(), consecutiveFailures: 0 };
    if (this.#connected) this.#resume();
  }

  stop(): void {
    this.#suspend();
    this.#run = undefined;
  }

  /** Checks at once unless a request is under way or the page is hidden. */
  checkNow(): void {
    void this.#check();
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#run) this.#resume();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#suspend();
  }

  #wakeTargets(): Array<[EventTarget, string]> {
    return [
      [document, 'visibilitychange'],
      [window, 'pageshow'],
      [window, 'focus'],
      [window, 'online'],
    ];
  }

  #resume(): void {
    const run = this.#run as PollRun;
    for (const [target, type] of this.#wakeTargets()) target.addEventListener(type, this.#wake);
    if (run.expiresAtMs !== undefined) {
      // The last check: the shopper may have paid in the final seconds. A millisecond past the
      // (skew-corrected, fractional) expiry, since a timer may fire that early: a wake before it
      // would find the stream still open, and nothing would wake the widget again.
      const untilExpiry = Math.max(0, Math.ceil(run.expiresAtMs - Date.now()) + 1);
      run.expiryTimer = setTimeout(this.#wake, Math.min(untilExpiry, MAX_TIMER_DELAY_MS));
    }
    void this.#check();
  }

  #suspend(): void {
    for (const [target, type] of this.#wakeTargets()) target.removeEventListener(type, this.#wake);
    const run = this.#run;
    if (!run) return;
    clearTimeout(run.timer);
    clearTimeout(run.expiryTimer);
    run.request?.abort();
    run.request = undefined;
    this.#closeStream(run);
  }

  #closeStream(run: PollRun): void {
    clearTimeout(run.streamWatchdog);
    run.stream?.close();
    run.stream = undefined;
  }

  #openStream(run: PollRun): void {
    const stream = new EventSource(run.statusUrl);
    run.stream = stream;
    const fallBack = () => {
      if (this.#run !== run || run.stream !== stream) return;
      this.#closeStream(run);
      run.push = false;
      void this.#check();
    };
    // A proxy that buffers the stream would hold every event back: the server sends the status
    // at once, so silence means polling is the surer way.
    run.streamWatchdog = setTimeout(fallBack, this.#options.requestTimeoutMs());
    stream.onerror = fallBack;
    stream.addEventListener('status', (event) => {
      if (this.#run !== run || run.stream !== stream) return;
      clearTimeout(run.streamWatchdog);
      let body: unknown;
      try {
        body = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        body = undefined;
      }
      const outcome = interpretStatusResponse(200, body);
      if (outcome.kind !== 'result') return fallBack();
      // A pending status after expiry proves nothing: the expiry timer's poll decides.
      this.#handle(run, outcome, 0);
    });
  }

  #schedule(run: PollRun, delayMs: number): void {
    clearTimeout(run.timer);
    run.timer = setTimeout(this.#wake, Math.min(delayMs, MAX_TIMER_DELAY_MS));
  }

  async #check(): Promise<void> {
    const run = this.#run;
    if (!run || !this.#connected) return;
    if (run.request) {
      // One request at a time, but the answer under way may predate what woke us (the expiry,
      // say): ask again as soon as it lands.
      run.checkWhenAnswered = true;
      return;
    }
    clearTimeout(run.timer);
    // Hidden pages send nothing and keep no stream open; visibilitychange brings us back.
    if (document.visibilityState === 'hidden') return this.#closeStream(run);
    if (run.push && (run.expiresAtMs === undefined || Date.now() < run.expiresAtMs)) {
      if (!run.stream) this.#openStream(run);
      return;
    }
    this.#closeStream(run);

    const request = new AbortController();
    run.request = request;
    run.checkWhenAnswered = false;
    let outcome: StatusOutcome;
    let sentAtMs = Date.now();
    try {
      const response = await getStatus(run.statusUrl, request.signal, this.#options.requestTimeoutMs());
      sentAtMs = response.sentAtMs;
      outcome = interpretStatusResponse(response.status, response.body);
      run.retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), Date.now());
    } catch (error) {
      outcome = { kind: 'transient', reason: error instanceof Error ? error.message : 'network error' };
      run.retryAfterMs = undefined;
    }
    // Stopped, replaced or suspended while waiting: this answer no longer counts.
    if (this.#run !== run || run.request !== request) return;
    run.request = undefined;
    this.#handle(run, outcome, sentAtMs);
  }

  #handle(run: PollRun, outcome: StatusOutcome, sentAtMs: number): void {
    const { onResult, onFatal, onReconnecting } = this.#options;
    if (outcome.kind === 'fatal') {
      this.stop();
      onFatal(outcome.code, outcome.reason);
      return;
    }
    if (outcome.kind === 'transient') {
      run.consecutiveFailures++;
      onReconnecting(true);
    } else {
      if (run.consecutiveFailures > 0) onReconnecting(false);
      run.consecutiveFailures = 0;
      const { result } = outcome;
      const expiredUnpaid = result.status === 'pending' && run.expiresAtMs !== undefined && sentAtMs >= run.expiresAtMs;
      if (result.status !== 'pending' || expiredUnpaid) {
        this.stop();
        onResult(expiredUnpaid ? { status: 'expired' } : result);
        return;
      }
    }
    if (run.stream) return; // the stream brings the next status
    if (run.checkWhenAnswered && outcome.kind === 'result') {
      this.#schedule(run, 0);
      return;
    }
    const delay = nextPollDelay({
      intervalMs: this.#options.intervalMs(),
      elapsedMs: Date.now() - run.startedAtMs,
      consecutiveFailures: run.consecutiveFailures,
      retryAfterMs: run.retryAfterMs,
      random: Math.random(),
    });
    this.#schedule(run, delay);
  }
}
