// The backend under load for `npm run bench:server`: the handler on node:http with a
// Checkout.com sandbox whose webhooks come back to it, in a process of its own.
import { createServer } from 'node:http';
import { createCheckoutHandler, memoryStore, providers, redisStore, startSandbox } from '../dist/server/index.js';

const quiet = { warn() {}, error: console.error };
let handler;
const server = createServer((req, res) => handler(req, res));
// A backlog for thousands of simulated widgets connecting at once (Node's default is 511).
await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: `${origin}/api/alipayhk/webhooks/checkout-com`, logger: quiet });

let store = memoryStore();
if (process.env.REDIS_URL) {
  const { createClient } = await import('redis');
  const client = createClient({ url: process.env.REDIS_URL });
  await client.connect();
  store = redisStore(client);
}
handler = createCheckoutHandler({
  basePath: '/api/alipayhk',
  provider: providers.checkoutCom({ ...sandbox.adapterOptions, logger: quiet }),
  store,
  returnUrl: `${origin}/return`,
  logger: quiet,
  order: () => ({ amount: { value: 4200, currency: 'HKD' }, reference: 'BENCH' }),
});
console.log(JSON.stringify({ origin, sandbox: sandbox.url }));
process.on('SIGTERM', () => process.exit(0));
