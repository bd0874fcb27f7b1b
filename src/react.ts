// `alipayhk-checkout/react`: the element as a React component, made by Lit's own @lit/react.
// Properties are set as properties (not stringified attributes) and each event is an
// `onAlipayhk…` prop with its typed CustomEvent. React is the caller's: an optional peer dependency.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { AlipayHKCheckout as AlipayHKCheckoutElement } from './alipayhk-checkout.js';
import { TAG_NAME } from './define.js';
import type { AlipayHKEvent } from './events.js';

export const AlipayHKCheckout = createComponent({
  react: React,
  tagName: TAG_NAME,
  elementClass: AlipayHKCheckoutElement,
  displayName: 'AlipayHKCheckout',
  events: {
    onAlipayhkReady: 'alipayhk-ready' as EventName<AlipayHKEvent<'alipayhk-ready'>>,
    onAlipayhkStatus: 'alipayhk-status' as EventName<AlipayHKEvent<'alipayhk-status'>>,
    onAlipayhkRedirect: 'alipayhk-redirect' as EventName<AlipayHKEvent<'alipayhk-redirect'>>,
    onAlipayhkSuccess: 'alipayhk-success' as EventName<AlipayHKEvent<'alipayhk-success'>>,
    onAlipayhkFailure: 'alipayhk-failure' as EventName<AlipayHKEvent<'alipayhk-failure'>>,
    onAlipayhkExpired: 'alipayhk-expired' as EventName<AlipayHKEvent<'alipayhk-expired'>>,
    onAlipayhkCancel: 'alipayhk-cancel' as EventName<AlipayHKEvent<'alipayhk-cancel'>>,
    onAlipayhkError: 'alipayhk-error' as EventName<AlipayHKEvent<'alipayhk-error'>>,
  },
});

export type { AlipayHKCheckoutElement };
export type { AlipayHKEvent, AlipayHKEventDetails, AlipayHKEventName, ErrorCode } from './events.js';
