import './define.js';

export { AlipayHKCheckout } from './alipayhk-checkout.js';
export { TAG_NAME } from './define.js';
export * from './dom-free.js';
export type { AlipayHKEvent, AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
