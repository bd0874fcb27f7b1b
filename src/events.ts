import type { Environment, Flow } from './lib/environment.js';
import type { CheckoutSession } from './lib/session.js';
import type { CheckoutStatus, StatusResult } from './lib/status.js';

export type ErrorCode =
  | 'invalid-session'
  | 'create-failed'
  | 'session-not-found'
  | 'unauthorized'
  | 'missing-session-url';

export interface AlipayHKEventDetails {
  'alipayhk-ready': { session: CheckoutSession; flow: Flow; environment: Environment };
  'alipayhk-status': { status: CheckoutStatus; previous: CheckoutStatus };
  /** `target`: `self` (this tab), `top` (the page around the iframe) or `popup` (the provider's QR page in a window). */
  'alipayhk-redirect': { url: string; target: 'self' | 'top' | 'popup' };
  'alipayhk-success': { sessionId: string; result: StatusResult };
  'alipayhk-failure': { sessionId: string; code: string; message: string };
  'alipayhk-expired': { sessionId: string };
  'alipayhk-cancel': { sessionId: string };
  'alipayhk-error': { code: ErrorCode; message: string; fatal: boolean };
}

export type AlipayHKEventName = keyof AlipayHKEventDetails;

export type AlipayHKEvent<K extends AlipayHKEventName> = CustomEvent<AlipayHKEventDetails[K]>;

declare global {
  interface HTMLElementEventMap {
    'alipayhk-ready': AlipayHKEvent<'alipayhk-ready'>;
    'alipayhk-status': AlipayHKEvent<'alipayhk-status'>;
    'alipayhk-redirect': AlipayHKEvent<'alipayhk-redirect'>;
    'alipayhk-success': AlipayHKEvent<'alipayhk-success'>;
    'alipayhk-failure': AlipayHKEvent<'alipayhk-failure'>;
    'alipayhk-expired': AlipayHKEvent<'alipayhk-expired'>;
    'alipayhk-cancel': AlipayHKEvent<'alipayhk-cancel'>;
    'alipayhk-error': AlipayHKEvent<'alipayhk-error'>;
  }
}
