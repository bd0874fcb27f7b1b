import { css } from 'lit';

// The QR is never drawn under 160 CSS px (max() below), the Alipay+ code-scanning standard's
// minimum, whatever --alipayhk-qr-size says. (A comment inside css`` would ship to every page.)
export const styles = css`
  :host {
    --alipayhk-brand-color: #0b5ed7;
    --alipayhk-brand-text-color: #fff;
    --alipayhk-text-color: #1a1a1a;
    --alipayhk-muted-color: #555;
    --alipayhk-background: #fff;
    --alipayhk-success-color: #146c2e;
    --alipayhk-error-color: #b3261e;
    --alipayhk-radius: 8px;
    --alipayhk-qr-size: 200px;
    --alipayhk-qr-color: #000;
    --alipayhk-font-family: system-ui, -apple-system, 'PingFang HK', 'Microsoft JhengHei', sans-serif;
    display: block;
    color: var(--alipayhk-text-color);
    font-family: var(--alipayhk-font-family);
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
    border-radius: var(--alipayhk-radius);
    text-align: center;
  }
  .amount {
    font-size: 1.5em;
    font-weight: 600;
  }
  .message,
  .detail {
    margin: 0;
  }
  .detail,
  .countdown {
    color: var(--alipayhk-muted-color);
    font-size: 0.875em;
  }
  .qr {
    width: max(160px, var(--alipayhk-qr-size));
    height: max(160px, var(--alipayhk-qr-size));
    background: #fff;
  }
  .qr path {
    fill: var(--alipayhk-qr-color);
  }
  [data-view='succeeded'] .message {
    color: var(--alipayhk-success-color);
  }
  [data-view='failed'] .message,
  [data-view='error'] .message {
    color: var(--alipayhk-error-color);
  }
  .button {
    font: inherit;
    font-weight: 600;
    padding: 12px 24px;
    border: 0;
    border-radius: var(--alipayhk-radius);
    background: var(--alipayhk-brand-color);
    color: var(--alipayhk-brand-text-color);
    cursor: pointer;
  }
  .button:focus-visible,
  .link:focus-visible {
    outline: 2px solid var(--alipayhk-brand-color);
    outline-offset: 2px;
  }
  .link {
    color: var(--alipayhk-brand-color);
  }
`;
