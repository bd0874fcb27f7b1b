// Several tabs on one session (SPEC §6a): of the visible tabs only the holder of a Web Lock
// checks the status; the others wait in the lock's queue and listen (the outcome one tab reaches
// comes to the others on the presence channel every tab has, lib/tab-presence.ts). A hidden tab
// gives the lock up for a visible one. Without Web Locks every tab checks (more requests, the same
// outcome). Everything stops when the host leaves the DOM; the sharing resumes if it comes back.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface TabSharingOptions {
  /** True while this tab is the one that checks the status, false while it waits and listens. */
  onLeading(leading: boolean): void;
  /** Defaults to `navigator.locks`; `undefined` makes every tab lead, as where it is missing. */
  locks?: LockManager;
}

/** The Web Lock's name, with the session id after it; shared by all versions of the widget. */
const NAME = 'alipayhk-checkout';

export class TabSharingController implements ReactiveController {
  #options: TabSharingOptions;
  #sessionId?: string;
  #connected = false;
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

  hostConnected(): void {
    this.#connected = true;
    if (this.#sessionId) this.#open();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#close();
  }

  #open(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#onVisibility();
  }

  #close(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
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
