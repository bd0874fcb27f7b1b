// Re-renders the host once a second until a deadline, for the "Code expires in 4:59" line.
// The deadline is a local timestamp already corrected for clock skew, never mount-relative.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class CountdownController implements ReactiveController {
  #host: ReactiveControllerHost;
  #deadlineMs?: number;
  #timer?: ReturnType<typeof setTimeout>;
  #connected = false;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Milliseconds left, 0 once passed; undefined without a deadline. */
  get remainingMs(): number | undefined {
    return this.#deadlineMs === undefined ? undefined : Math.max(0, this.#deadlineMs - Date.now());
  }

  start(deadlineMs: number | undefined): void {
    this.#deadlineMs = deadlineMs;
    this.#tick();
  }

  stop(): void {
    this.#deadlineMs = undefined;
    clearTimeout(this.#timer);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#tick();
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
  }

  #tick = (): void => {
    clearTimeout(this.#timer);
    const remaining = this.remainingMs;
    if (!this.#connected || remaining === undefined) return;
    this.#host.requestUpdate();
    // Aligned to the next whole second of the remaining time, so the display never skips one.
    if (remaining > 0) this.#timer = setTimeout(this.#tick, remaining % 1000 || 1000);
  };
}

