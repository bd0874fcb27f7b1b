// The shop's checkout handler, as in the README's "The server half": here on the Checkout.com
// sandbox the test starts, whose keys and API origin come in the environment as a shop's keys do.
// The README's Express (or Fastify) snippet, written beside it as server.js, imports it.
import { createCheckoutHandler, OrderError, providers } from 'alipayhk-checkout/server';

/** The shop's orders; the page names one, the server prices it. */
const orders = new Map([
  ['A-1001', { id: 'A-1001', totalCents: 2800, paid: false }],
  ['A-1002', { id: 'A-1002', totalCents: 8800, paid: false }],
]);

export const handler = createCheckoutHandler({
  basePath: '/api/alipayhk',
  provider: providers.checkoutCom({
    secretKey: process.env.CKO_SECRET_KEY,
    processingChannelId: process.env.CKO_CHANNEL_ID,
    webhookSecret: process.env.CKO_WEBHOOK_SECRET,
    baseUrl: process.env.CKO_BASE_URL, // unset: Checkout.com's own API
  }),
  order({ context }) {
    const order = orders.get(context?.orderId);
    if (!order || order.paid) throw new OrderError('Unknown or paid order', 409, 'order_not_payable');
    return { amount: { value: order.totalCents, currency: 'HKD' }, reference: order.id, description: `Order ${order.id}` };
  },
  returnUrl: `${process.env.SHOP_ORIGIN}/`, // this page: the element resumes the payment there
  // Fulfils the order from the provider's word; the test reads this line on stdout.
  onStatusChange({ eventId, session }) {
    if (session.status !== 'succeeded') return;
    orders.get(session.reference).paid = true;
    console.log(`fulfilled ${session.reference} (${eventId})`);
  },
});
