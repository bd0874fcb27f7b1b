// One merchant backend process on a shared Redis, for the multi-process test: the handler on
// node:http with redisStore, talking to the Checkout.com sandbox whose address it is given.
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
  logger: { warn() {}, error: console.error },
  order: () => ({ amount: { value: 4200, currency: 'HKD' }, reference: `R-${process.pid}` }),
});
const server = createServer(handler).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', async () => {
  server.close();
  await client.quit();
  process.exit(0);
});
