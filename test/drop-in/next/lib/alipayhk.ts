// The shop's server half: alipayhk-checkout/server, with Checkout.com's keys from the environment.
import { createCheckoutHandler, OrderError, providers, type CheckoutHandler } from 'alipayhk-checkout/server';

const PRICES = new Map<unknown, number>([['egg-tarts', 8800], ['milk-tea', 2800]]);
let handler: CheckoutHandler | undefined;

// Made on the first request: `next build` loads this module too, where the keys may not be set.
export function checkoutHandler(): CheckoutHandler {
  handler ??= createCheckoutHandler({
    basePath: '/api/alipayhk',
    provider: providers.checkoutCom({
      secretKey: process.env.CKO_SECRET_KEY!,
      processingChannelId: process.env.CKO_CHANNEL_ID!,
      webhookSecret: process.env.CKO_WEBHOOK_SECRET!,
      baseUrl: process.env.CKO_BASE_URL, // unset: Checkout.com's own API
    }),
    // The server prices the order; the page only names a product.
    order({ context }) {
      const value = PRICES.get((context as { sku?: unknown } | null)?.sku);
      if (value === undefined) throw new OrderError('Unknown product', 404, 'unknown_product');
      return { amount: { value, currency: 'HKD' }, reference: `order-${crypto.randomUUID()}` };
    },
    returnUrl: `${process.env.SHOP_ORIGIN}/`,
    // Fulfil the order here, from the provider's word, never from the page's alipayhk-success.
    onStatusChange({ eventId, session }) {
      if (session.status === 'succeeded') console.log(`fulfilled ${session.reference} (${eventId})`);
    },
  });
  return handler;
}
