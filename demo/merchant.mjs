// The demo shop's server half: alipayhk-checkout/server wired to a sandbox provider, as a
// merchant would wire it to the real one. Used by `npm start` and the end-to-end tests.
import { createCheckoutHandler, memoryStore, OrderError, providers, startSandbox } from '../dist/server/index.js';

/** The shop's catalogue: prices live on the server, the page only names a product. */
export const PRODUCTS = {
  'milk-tea': { name: 'Milk tea', amount: { value: 2800, currency: 'HKD' } },
  'egg-tarts': { name: 'Egg tarts (box of 6)', amount: { value: 8800, currency: 'HKD' } },
  headphones: { name: 'Headphones', amount: { value: 129900, currency: 'HKD' } },
};

/**
 * Starts the sandbox provider and returns the merchant handler for `origin` (where the shop's
 * pages and `/api/alipayhk` are served).
 */
export async function startDemoMerchant({ origin, paymentLifetimeMs = 5 * 60_000, sandboxPort = 0, logger = console }) {
  const basePath = '/api/alipayhk';
  const sandbox = await startSandbox({
    provider: 'checkout-com',
    webhookUrl: `${origin}${basePath}/webhooks/checkout-com`,
    paymentLifetimeMs,
    port: sandboxPort,
    logger,
  });
  let orders = 0;
  const handler = createCheckoutHandler({
    basePath,
    provider: providers.checkoutCom({ ...sandbox.credentials, baseUrl: sandbox.url, logger }),
    store: memoryStore(),
    returnUrl: `${origin}/demo/`,
    paymentLifetimeMs,
    logger,
    order({ context }) {
      const product = PRODUCTS[context?.sku ?? 'milk-tea'];
      if (!product) throw new OrderError('Unknown product', 404, 'unknown_product');
      orders += 1;
      return { amount: product.amount, reference: `DEMO-${Date.now().toString(36).toUpperCase()}-${orders}`, description: product.name, merchantName: 'Demo Tea House' };
    },
  });
  return { handler, sandbox, basePath };
}
