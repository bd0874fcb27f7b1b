// The script-tag build (dist/alipayhk-checkout.js). Lit's browser build reads `document` and
// extends `HTMLElement` as it loads, so this small entry loads the element (and Lit) only where
// there is a DOM: imported in Node (server-side rendering, a test) it gives the DOM-free API and
// an undefined `AlipayHKCheckout` instead of throwing. In a browser it costs one small module
// before the rest, which the browser then fetches in parallel.
import type { AlipayHKCheckout as AlipayHKCheckoutElement } from './alipayhk-checkout.js';
// Type only: brings the tag's entry in HTMLElementTagNameMap along.
import type { TAG_NAME as DefinedTagName } from './define.js';

const element = typeof document === 'undefined' ? undefined : await import('./index.js');
const api = element ?? (await import('./dom-free.js'));

export const { detectEnvironment, parseSession, FieldError, CheckoutStatus, PAYMENT_STATUSES } = api;
/** The element's class; `undefined` where there is no DOM. */
export const AlipayHKCheckout: typeof AlipayHKCheckoutElement | undefined = element?.AlipayHKCheckout;
export const TAG_NAME: typeof DefinedTagName = 'alipayhk-checkout';
export type * from './dom-free.js';
export type { AlipayHKEvent, AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
