// The provider's own QR page in a popup window (SPEC §5): opened from the shopper's click, kept
// in hand so that we can bring it back and close it on the outcome, while the popup never gets
// a handle on the merchant's page. No event says that a cross-origin window closed, so
// `closed` is polled while the host is connected.
//
// Why not `noopener` in the features: with it window.open() returns null in every engine (the
// HTML standard says so; Chromium, Gecko and WebKit follow it), so we could neither focus nor
// close the window, nor tell it apart from a blocked one. Instead we open about:blank, which
// is ours, cut `opener`, and only then load the provider's page into it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const WIDTH = 480;
const HEIGHT = 720;

export interface PopupOptions {
  /** Called when the popup closes by itself (the shopper closed it), not on close(). */
  onClosed?(): void;
}

export class PopupController implements ReactiveController {
  #host: ReactiveControllerHost;
  #onClosed?: () => void;
  #popup?: Window | null;
  #timer?: ReturnType<typeof setInterval>;
  /** close() was asked for but the browser has not let us yet. */
  #closing = false;

  constructor(host: ReactiveControllerHost, options: PopupOptions = {}) {
    this.#host = host;
    this.#onClosed = options.onClosed;
    host.addController(this);
  }

  /** Whether a popup we opened is still open. */
  get isOpen(): boolean {
    return !!this.#popup && !this.#popup.closed;
  }

  /**
   * Opens `url` in a centred popup. Call it synchronously from the click handler (popups need
   * user activation). False when the popup was blocked: the caller navigates instead.
   */
  open(url: string): boolean {
    this.close();
    // One still refusing to close is left to the shopper: this one takes its place.
    this.#closing = false;
    let popup: Window | null = null;
    try {
      // Centred on the browser window, which is on the screen the shopper is looking at.
      const left = Math.round(screenX + (outerWidth - WIDTH) / 2);
      const top = Math.round(screenY + (outerHeight - HEIGHT) / 2);
      popup = window.open('', '_blank', `popup=yes,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`);
      if (popup) {
        popup.opener = null;
        popup.location.replace(url);
      }
    } catch {
      popup?.close();
      popup = null;
    }
    this.#popup = popup;
    this.#watch();
    this.#host.requestUpdate();
    return !!popup;
  }

  /** Brings the popup to the front; false if it is closed (the caller may offer to open it again). */
  focus(): boolean {
    const open = this.isOpen;
    if (open) this.#popup!.focus();
    return open;
  }

  /**
   * Closes the popup (the outcome arrived). While it shows the provider's page, a browser may
   * refuse: without an opener, the merchant's page is no longer "familiar with" a window of
   * another origin (HTML's window.close() and navigation rules). So the watch keeps trying until
   * the window goes, which it can once the provider sends it back to the merchant's return page.
   */
  close(): void {
    this.#popup?.close();
    if (this.isOpen) {
      this.#closing = true;
      this.#watch();
    } else {
      this.#popup = undefined;
      clearInterval(this.#timer);
    }
  }

  hostConnected(): void {
    this.#watch();
  }

  // The popup stays open: the page may only be moving the element.
  hostDisconnected(): void {
    clearInterval(this.#timer);
  }

  #watch(): void {
    clearInterval(this.#timer);
    if (this.isOpen) this.#timer = setInterval(this.#check, 500);
  }

  #check = (): void => {
    if (this.isOpen) {
      if (this.#closing) this.#popup!.close();
      return;
    }
    const closedByUs = this.#closing;
    this.#popup = undefined;
    this.#closing = false;
    clearInterval(this.#timer);
    this.#host.requestUpdate();
    if (!closedByUs) this.#onClosed?.();
  };
}
