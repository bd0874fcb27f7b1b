import { css } from 'lit';

// (A comment inside css`` would ship to every page, so the reasons are here.)
// - The QR is never drawn under 160 CSS px (max()), the Alipay+ code-scanning standard's minimum,
//   and in forced colours (Windows high contrast) it stays black on white, or it cannot be scanned.
// - Buttons are at least 44 px high (touch targets); text wraps anywhere so that a long merchant
//   name or reference holds on a 280 px wide phone.
// - `theme="auto"` follows the system's dark mode; without it the widget is light, as the
//   merchant's page most likely is. The QR keeps its white background in both.
// - Under prefers-reduced-motion the spinner stands still (it is still shown: something is going on).
// - The outcome's mark and the message after it take the success colour, which a failure or an
//   error sets to the error colour for the children of the base.
export const styles = css`
  :host {
    --alipayhk-brand-color: #0b5ed7;
    --alipayhk-brand-text-color: #fff;
    --alipayhk-text-color: #1a1a1a;
    --alipayhk-muted-color: #595959;
    --alipayhk-background: #fff;
    --alipayhk-border-color: #e3e3e3;
    --alipayhk-success-color: #146c2e;
    --alipayhk-error-color: #b3261e;
    --alipayhk-radius: 12px;
    --alipayhk-qr-size: 200px;
    --alipayhk-qr-color: #000;
    --alipayhk-font-family: system-ui, -apple-system, 'PingFang HK', 'Microsoft JhengHei', sans-serif;
    display: block;
    min-width: 248px;
    color: var(--alipayhk-text-color);
    font-family: var(--alipayhk-font-family);
    line-height: 1.4;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --alipayhk-brand-color: #4d94ff;
      --alipayhk-brand-text-color: #000;
      --alipayhk-text-color: #f2f2f2;
      --alipayhk-muted-color: #b3b3b3;
      --alipayhk-background: #1e1e1e;
      --alipayhk-border-color: #3a3a3a;
      --alipayhk-success-color: #6dd58c;
      --alipayhk-error-color: #f2b8b5;
    }
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 12px;
    padding: 16px;
    background: var(--alipayhk-background);
    border: 1px solid var(--alipayhk-border-color);
    border-radius: var(--alipayhk-radius);
    text-align: center;
    overflow-wrap: anywhere;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: center;
    gap: 8px;
    align-self: stretch;
  }
  .brand {
    font-weight: 700;
    color: var(--alipayhk-brand-color);
  }
  ::slotted([slot='brand']) {
    max-height: 32px;
  }
  .merchant,
  .muted {
    color: var(--alipayhk-muted-color);
    font-size: 0.875em;
    margin: 0;
  }
  .amount {
    font-size: 1.75em;
    font-weight: 600;
  }
  .message {
    margin: 0;
  }
  .qr {
    width: max(160px, var(--alipayhk-qr-size));
    height: max(160px, var(--alipayhk-qr-size));
    background: #fff;
  }
  .qr path {
    fill: var(--alipayhk-qr-color);
  }
  .spinner {
    width: 32px;
    height: 32px;
    border: 3px solid var(--alipayhk-border-color);
    border-top-color: var(--alipayhk-brand-color);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  .mark {
    width: 48px;
    height: 48px;
    fill: none;
    stroke: #fff;
    stroke-width: 2.5;
    border-radius: 50%;
    background: var(--alipayhk-success-color);
  }
  .mark + .message {
    color: var(--alipayhk-success-color);
    font-weight: 600;
  }
  [data-view='failed'] > *,
  [data-view='error'] > * {
    --alipayhk-success-color: var(--alipayhk-error-color);
  }
  .button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    width: 100%;
    max-width: 360px;
    padding: 10px 20px;
    border: 2px solid var(--alipayhk-brand-color);
    border-radius: var(--alipayhk-radius);
    background: var(--alipayhk-brand-color);
    color: var(--alipayhk-brand-text-color);
    cursor: pointer;
  }
  .secondary {
    background: transparent;
    color: var(--alipayhk-brand-color);
  }
  .button:focus-visible {
    outline: 2px solid var(--alipayhk-brand-color);
    outline-offset: 2px;
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  @media (forced-colors: active) {
    .qr {
      forced-color-adjust: none;
    }
    .qr path {
      fill: #000;
    }
    .mark {
      stroke: CanvasText;
    }
  }
`;
