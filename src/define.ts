// The only module with a side effect: registering the tag. A second copy of the package on the
// same page (a script tag plus an npm import) must not throw.
import { AlipayHKCheckout } from './alipayhk-checkout.js';

export const TAG_NAME = 'alipayhk-checkout';

if (globalThis.customElements && !customElements.get(TAG_NAME)) {
  customElements.define(TAG_NAME, AlipayHKCheckout);
}

declare global {
  interface HTMLElementTagNameMap {
    'alipayhk-checkout': AlipayHKCheckout;
  }
}
