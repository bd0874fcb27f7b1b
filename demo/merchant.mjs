// The demo shop's server half: alipayhk-checkout/server wired to a sandbox of each provider, as
// a merchant would wire it to the real one. Used by `npm start` and the end-to-end tests.
import { createCheckoutHandler, memoryStore, OrderError, providers, startSandbox } from '../dist/server/index.js';

export const PROVIDERS = ['checkout-com', 'omise', 'nomupay', 'uqpay', 'worldpay'];

/** The shop's catalogue: prices live on the server, the page only names a product. */
export const PRODUCTS = {
  'milk-tea': { name: 'Milk tea', prices: { HKD: 2800, SGD: 500 } },
  'egg-tarts': { name: 'Egg tarts (box of 6)', prices: { HKD: 8800, SGD: 1500 } },
  headphones: { name: 'Headphones', prices: { HKD: 129900, SGD: 22900 } },
};

/** Omise takes AlipayHK in SGD and THB only (seed 000); the others in HKD. */
const CURRENCY = { omise: 'SGD' };

/**
 * Starts a sandbox per provider and returns one handler that serves them all, each under
 * `/api/alipayhk/<provider>`, for a shop at `origin`.
 */
export async function startDemoMerchant({ origin, paymentLifetimeMs = 5 * 60_000, sandboxPort = 0, logger = console }) {
  const sandboxes = {};
  const handlers = [];
  const handlerOf = {};
  /** Every onStatusChange the shop heard, newest last. */
  const statusChanges = [];
  let orders = 0;
  for (const [index, name] of PROVIDERS.entries()) {
    const basePath = `/api/alipayhk/${name}`;
    const sandbox = await startSandbox({
      provider: name,
      webhookUrl: `${origin}${basePath}/webhooks/${name}`,
      paymentLifetimeMs,
      port: sandboxPort ? sandboxPort + index : 0,
      logger,
    });
    sandboxes[name] = sandbox;
    handlerOf[name] = createCheckoutHandler({
      basePath,
      provider: providers[sandbox.factory]({ ...sandbox.adapterOptions, logger }),
      store: memoryStore(),
      // A page that sends the shopper back to the demo page they paid on (npm import or script tag).
      returnUrl: `${origin}/demo/return.html`,
      paymentLifetimeMs,
      logger,
      // Where a shop fulfils its orders: on the server, from the provider's word, never from the page.
      onStatusChange({ eventId, session, previous }) {
        statusChanges.push({ eventId, session, previous });
        logger.info?.(`demo shop: ${session.reference} ${previous} → ${session.status} (${eventId})`);
      },
      order({ context }) {
        const sku = context?.sku ?? 'milk-tea';
        const product = typeof sku === 'string' && Object.hasOwn(PRODUCTS, sku) ? PRODUCTS[sku] : undefined;
        if (!product) throw new OrderError('Unknown product', 404, 'unknown_product');
        const currency = CURRENCY[name] ?? 'HKD';
        orders += 1;
        return {
          amount: { value: product.prices[currency], currency },
          reference: `DEMO-${Date.now().toString(36).toUpperCase()}-${orders}`,
          description: product.name,
          merchantName: 'Demo Tea House',
        };
      },
      });
    handlers.push(handlerOf[name]);
  }
  /** Each handler passes on what is not under its basePath; the last one's `next` is the host's. */
  function handler(req, res, next) {
    const run = (i) => (i === handlers.length ? next?.() : handlers[i](req, res, () => run(i + 1)));
    return run(0);
  }
  return {
    handler,
    sandboxes,
    statusChanges,
    /** The shop's back office: refunds a paid session (all of it unless `amount`). */
    refund(provider, sessionId, amount) {
      if (!Object.hasOwn(handlerOf, provider)) throw new TypeError('refund: unknown provider');
      return handlerOf[provider].refund(sessionId, amount === undefined ? {} : { amount });
    },
    basePath: '/api/alipayhk/<provider>',
    close: () => Promise.all([...handlers.map((h) => h.close()), ...Object.values(sandboxes).map((s) => s.close())]),
  };
}
