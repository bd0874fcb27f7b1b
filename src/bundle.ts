// The script-tag build (dist/alipayhk-checkout.js). Lit's browser build reads `document` and
// extends `HTMLElement` as it loads, so this small entry loads the element (and Lit) only where
// there is a DOM: imported in Node (server-side rendering, a test) it gives the DOM-free API and
// an undefined `AlipayHKCheckout` instead of throwing. In a browser it costs one small module
// before the rest, which the browser then fetches in parallel.
const api = typeof document === 'undefined' ? await import('./dom-free.js') : await import('./index.js');

export const { detectEnvironment, parseSession, FieldError, CheckoutStatus, PAYMENT_STATUSES } = api;
/** The element's class; `undefined` where there is no DOM. */
export const AlipayHKCheckout = 'AlipayHKCheckout' in api ? api.AlipayHKCheckout : undefined;
export const TAG_NAME = 'alipayhk-checkout';
export type * from './dom-free.js';
export type { AlipayHKEvent, AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
