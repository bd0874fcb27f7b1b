// Several tabs on one session (SPEC §6a). The outcome one tab reaches goes to the others over a
// BroadcastChannel, and of the visible tabs only the holder of a Web Lock checks the status: the
// others wait in the lock's queue and listen. A hidden tab gives the lock up for a visible one.
// Without Web Locks every tab checks (more requests, the same outcome); without BroadcastChannel
// each tab finds the outcome on its own. Everything stops when the host leaves the DOM; the
// sharing resumes if it comes back.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { interpretStatusResponse, type StatusResult } from '../lib/status.js';

export interface TabSharingOptions {
  /** Called once with a final status another tab reached; sharing has stopped by then. */
  onResult(result: StatusResult): void;
  /** True while this tab is the one that checks the status, false while it waits and listens. */
  onLeading(leading: boolean): void;
  /** Defaults to `navigator.locks`; `undefined` makes every tab lead, as where it is missing. */
  locks?: LockManager;
}

/** One name for every session (messages carry the session id); shared by all versions of the widget. */
const NAME = 'alipayhk-checkout';

export class TabSharingController implements ReactiveController {
  #options: TabSharingOptions;
  #sessionId?: string;
  #connected = false;
  #channel?: BroadcastChannel;
  /** Ends this tab's lock request: aborts it while queued, releases the lock once held. */
  #unlock?: () => void;
  #leading?: boolean;

  constructor(host: ReactiveControllerHost, options: TabSharingOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Shares `sessionId` with the other tabs, leaving any earlier session. */
  join(sessionId: string): void {
    this.leave();
    this.#sessionId = sessionId;
    if (this.#connected) this.#open();
  }

  leave(): void {
    this.#close();
    this.#sessionId = undefined;
  }

  /** Tells the other tabs a final result of the joined session, then leaves it. */
  publish(result: StatusResult): void {
    if (result.status === 'pending' || !this.#sessionId) return;
    this.#channel?.postMessage({ ...result, sessionId: this.#sessionId });
    this.leave();
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#sessionId) this.#open();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#close();
  }

  #open(): void {
    const sessionId = this.#sessionId;
    if (typeof BroadcastChannel === 'function') {
      // Another tab's word is untrusted: read exactly as a status response is. Once closed, a
      // channel is handed no more messages, not even those already queued.
      (this.#channel = new BroadcastChannel(NAME)).onmessage = ({ data }) => {
        const outcome = data?.sessionId === sessionId && interpretStatusResponse(200, data);
        if (!outcome || outcome.kind !== 'result' || outcome.result.status === 'pending') return;
        this.leave();
        this.#options.onResult(outcome.result);
      };
    }
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#onVisibility();
  }

  #close(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#channel?.close();
    this.#channel = undefined;
    this.#unlock?.();
    this.#unlock = undefined;
    this.#leading = undefined;
  }

  #lead(leading: boolean): void {
    if (this.#leading !== leading) this.#options.onLeading((this.#leading = leading));
  }

  #onVisibility = (): void => {
    const locks = 'locks' in this.#options ? this.#options.locks : navigator.locks;
    if (!locks) return this.#lead(true);
    if (document.visibilityState !== 'visible') {
      this.#unlock?.();
      this.#unlock = undefined;
      return this.#lead(false);
    }
    if (this.#unlock) return;
    const abort = new AbortController();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const unlock = (this.#unlock = () => {
      abort.abort();
      release();
    });
    // A lock manager that fails (not our abort) leaves this tab to check on its own.
    const fallBack = () => this.#unlock === unlock && this.#lead(true);
    try {
      locks
        .request(`${NAME}:${this.#sessionId}`, { signal: abort.signal }, () => {
          if (this.#unlock === unlock) this.#lead(true);
          return held;
        })
        .catch(fallBack);
      // Granted or not, the lock comes in a later task: until then this tab waits.
      this.#lead(false);
    } catch {
      fallBack();
    }
  };
}
