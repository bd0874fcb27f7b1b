// What the QR flow adds to the element: the code, drawn as one SVG path (no innerHTML, so a strict
// CSP with Trusted Types holds), the countdown to its expiry as a `role="timer"`, and that
// countdown for screen readers in its own polite region (SPEC §2). A chunk with the encoder,
// imported on demand: phones, which are sent to the app instead, download it only to pay with
// another phone. It takes Lit from the element's chunk (vite.config.ts, bundle-element).
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { announcedRemainingMs, formatRemaining } from '../lib/countdown-text.js';
import { encodeQrMatrix, type QrMatrix } from '../lib/qr-encoder.js';
import type { Messages } from '../locales/en.js';
import { CountdownController } from './countdown-controller.js';

export class QrController {
  #host: ReactiveControllerHost;
  #countdown: CountdownController;
  #qr?: QrMatrix;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    this.#countdown = new CountdownController(host);
  }

  /** Milliseconds until the code expires, 0 once it has; undefined without an expiry. */
  get remainingMs(): number | undefined {
    return this.#countdown.remainingMs;
  }

  /** Shows a code for `content`; throws when it cannot be encoded (the session is then invalid). */
  start(content: string, expiresAtMs: number | undefined): void {
    this.#qr = encodeQrMatrix(content);
    this.#countdown.start(expiresAtMs);
    this.#host.requestUpdate();
  }

  stop(): void {
    this.#qr = undefined;
    this.#countdown.stop();
  }

  /** The code (`label` names the amount and the merchant) and its countdown; nothing once expired. */
  render(t: Messages, label: string): TemplateResult | typeof nothing {
    const qr = this.#qr;
    const remaining = this.remainingMs;
    // A code past its expiry is never left on screen for a shopper to scan.
    if (!qr || remaining === 0) return nothing;
    return html`<svg part="qr" class="qr" role="img" aria-label=${label} viewBox="0 0 ${qr.side} ${qr.side}"
        shape-rendering="crispEdges"><path d=${qr.path}></path></svg>
      ${remaining === undefined
        ? nothing
        : html`<p part="countdown" class="muted" role="timer">${t.expiresIn(formatRemaining(remaining))}</p>
            <span class="sr" aria-live="polite">${t.expiresIn(formatRemaining(announcedRemainingMs(remaining)))}</span>`}`;
  }
}
