// One merchant backend process on a shared Redis, for the multi-process test: the handler on
// node:http with redisStore, talking to the Checkout.com sandbox whose address it is given.
// ORDER_HANGS=1: order() says so on stdout and never returns (a process about to die mid-create).
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { createCheckoutHandler, providers, redisStore } from '../../../dist/server/index.js';

const client = createClient({ url: process.env.REDIS_URL });
await client.connect();
const handler = createCheckoutHandler({
  basePath: '/api/alipayhk',
  provider: providers.checkoutCom({ ...JSON.parse(process.env.PROVIDER_OPTIONS), logger: { warn() {}, error() {} } }),
  store: redisStore(client),
  returnUrl: 'https://shop.example/return',
  providerCheckIntervalMs: 60_000,
  // Heartbeats often, so that a test's idle window spans many ticks of a session's stream timer.
  streamHeartbeatMs: 20,
  logger: { warn() {}, error: console.error },
  ...(process.env.CLAIM_LEASE_MS ? { claimLeaseMs: Number(process.env.CLAIM_LEASE_MS) } : {}),
  order() {
    if (process.env.ORDER_HANGS) {
      console.log('order called');
      return new Promise(() => {});
    }
    return { amount: { value: 4200, currency: 'HKD' }, reference: `R-${process.pid}-${crypto.randomUUID()}` };
  },
});
const server = createServer(handler).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
// Ends at once: nothing here is worth waiting for (quitting the client would wait on a Redis that
// may be stopping too).
process.on('SIGTERM', () => process.exit(0));
