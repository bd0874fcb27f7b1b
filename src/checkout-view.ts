// What the shopper sees (SPEC §2, issue 13): the element's state drawn as Lit templates. The
// element (alipayhk-checkout.ts) decides the state; this file only draws it, so that every view
// can be read in one place.
import { html, nothing, type TemplateResult } from 'lit';
import type { QrController } from './controllers/qr-controller.js';
import type { CheckoutSession } from './lib/session.js';
import type { Messages } from './locales/en.js';

/**
 * Finer than `status`: a pending payment is a QR, a button that asks (`redirect`, or `popup` for
 * a provider's own QR page), the popup open, or "Confirming…".
 */
export type View = 'idle' | 'creating' | 'qr' | 'popup' | 'popup-open' | 'redirect' | 'confirming' | 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'error';

export interface ViewState {
  view: View;
  /** Status requests are failing and being retried while the payment is pending. */
  reconnecting: boolean;
  session?: CheckoutSession;
  /** The amount formatted for the locale; empty before a session. */
  amount: string;
  /** The QR and its countdown, once its chunk is loaded and the code drawn. */
  qr?: QrController;
  /** Offer "Pay with another phone". */
  anotherPhone: boolean;
  /** There is a session-url: "Try again" and "Get a new code" can make a new session. */
  canRetry: boolean;
  /** The failure's reason; empty while it loads. */
  detail?: string;
  /** The payment was a QR drawn here: its expiry is "This code has expired", "Get a new code". */
  codeShown: boolean;
}

export interface ViewActions {
  /** The pay button: to the wallet, or the provider's page in a popup (or that popup brought back). */
  pay(): void;
  payWithAnotherPhone(): void;
  retry(): void;
}

const SUCCESS_MARK = 'M5 12.5l4.5 4.5L19 7.5';
const FAILURE_MARK = 'M7 7l10 10M17 7L7 17';
const spinner = () => html`<span part="spinner" class="spinner" aria-hidden="true"></span>`;

/** The whole view; `t` is undefined while the locale's strings load (then no text at all). */
export function renderCheckout(state: ViewState, t: Messages | undefined, actions: ViewActions): TemplateResult {
  const { view, session, amount } = state;
  const busy = view === 'creating' || view === 'confirming' || view === 'popup-open' || (view === 'qr' && state.qr?.remainingMs === 0);
  const mark = view === 'succeeded' ? SUCCESS_MARK : view === 'failed' || view === 'error' ? FAILURE_MARK : '';
  return html`<div part="base" class="base" data-view=${view}>
    <div class="head">
      <slot name="brand"><span part="brand" class="brand">AlipayHK</span></slot>
      ${session?.merchantName ? html`<span part="merchant" class="merchant">${session.merchantName}</span>` : nothing}
    </div>
    ${amount ? html`<div part="amount" class="amount">${amount}</div>` : nothing}
    ${t && session?.reference ? html`<div part="reference" class="muted">${t.order(session.reference)}</div>` : nothing}
    ${busy ? spinner() : nothing}
    ${mark ? html`<svg part="mark" class="mark" viewBox="0 0 24 24" aria-hidden="true"><path d=${mark}></path></svg>` : nothing}
    <p part="message" class="message" role="status" aria-live="polite">${t ? message(state, t) : ''}</p>
    ${t ? body(state, t, actions) : nothing}
  </div>`;
}

/** The state line, which is also the live region every state change is announced in. */
function message(state: ViewState, t: Messages): string {
  const { view, reconnecting, qr } = state;
  if (reconnecting) return t.reconnecting;
  switch (view) {
    case 'idle':
      return '';
    case 'qr':
      return qr?.remainingMs === 0 ? t.confirming : t.scan;
    case 'popup-open':
      return t.popupWaiting;
    // The pay button asks ("Pay HK$28.00 with AlipayHK"): nothing to add.
    case 'popup':
    case 'redirect':
      return '';
    case 'expired':
      return state.codeShown ? t.expired : t.expiredPayment;
    default:
      return t[view];
  }
}

function body(state: ViewState, t: Messages, actions: ViewActions): TemplateResult | typeof nothing {
  const { view, amount } = state;
  const button = (label: string, click: () => void, secondary?: boolean) =>
    html`<button part="button" class=${secondary ? 'button secondary' : 'button'} type="button" @click=${click}>${label}</button>`;
  switch (view) {
    case 'qr':
      return state.qr ? state.qr.render(t, t.qrLabel(amount, state.session?.merchantName ?? '')) : spinner();
    case 'popup':
      return button(t.payAmount(amount), actions.pay);
    case 'popup-open':
      return button(t.popupShow, actions.pay, true);
    case 'redirect':
    case 'confirming':
      // Back from the wallet, the button stays in case the shopper did not pay there.
      return html`${button(t.payAmount(amount), actions.pay)}
        ${state.anotherPhone ? button(t.anotherPhone, actions.payWithAnotherPhone, true) : nothing}`;
    case 'failed':
    case 'cancelled':
    case 'error':
      return html`${state.detail ? html`<p part="detail" class="muted">${state.detail}</p>` : nothing}
        ${state.canRetry ? button(t.tryAgain, actions.retry) : nothing}`;
    case 'expired':
      return state.canRetry ? button(state.codeShown ? t.newCode : t.tryAgain, actions.retry) : nothing;
    default:
      return nothing;
  }
}
