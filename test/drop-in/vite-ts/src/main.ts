// A TypeScript shop under `strict`: the element's properties and events are typed from the
// package alone (HTMLElementTagNameMap, HTMLElementEventMap); the @ts-expect-error lines fail the
// type-check if a type ever becomes `any`.
import 'alipayhk-checkout';
import type { AlipayHKCheckout, PaymentStatus } from 'alipayhk-checkout';

const checkout: AlipayHKCheckout = document.querySelector('alipayhk-checkout')!;
const result = document.getElementById('result')!;

checkout.pollInterval = 1000;
// @ts-expect-error pollInterval is a number of milliseconds
checkout.pollInterval = 'fast';
// @ts-expect-error flow is 'auto' | 'qr' | 'redirect'
checkout.flow = 'sideways';

checkout.addEventListener('alipayhk-success', (event) => {
  const status: PaymentStatus = event.detail.result.status;
  // @ts-expect-error the detail has no amount
  void event.detail.amount;
  result.textContent = `paid: ${status}`;
});
checkout.addEventListener('alipayhk-error', (event) => {
  const fatal: boolean = event.detail.fatal;
  result.textContent = `error: ${event.detail.code}${fatal ? '' : ' (retrying)'}`;
});
checkout.addEventListener('alipayhk-redirect', (event) => {
  // Cancelable, typed: a shop could open the wallet its own way.
  if (!event.detail.url.startsWith('https:')) event.preventDefault();
});
checkout.sessionUrl = '/api/alipayhk/checkout-com/sessions';
