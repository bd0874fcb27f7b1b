// A merchant backend for the server benches, in a process of its own: the handler on node:http.
// Its provider is one of two:
// - the Checkout.com sandbox, in this process, its webhooks coming back here (the load test,
//   bench-load.mjs, which reads `{ origin, sandbox }` from the first line on stdout);
// - BENCH_PROVIDER=stub: a provider that needs no network and counts its calls, whose payments
//   stay pending until a webhook signed with BENCH_WEBHOOK_SECRET says otherwise (bench-server.mjs
//   sends them itself), so that a webhook can go to any process sharing the store.
// REDIS_URL: the Redis store, else the memory store. BENCH_COUNT=1: the store counts its calls.
// BENCH_OPTIONS: more handler options, as JSON. Started with an IPC channel (bench-server.mjs
// forks it), it says `{ ready, origin }` there and answers `{ id, type: 'stats', gc? }` with what
// it counted, its memory and its CPU time; it exits when that channel closes, so that none
// outlives the bench.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createCheckoutHandler, memoryStore, ProviderError, providers, redisStore, startSandbox, WebhookVerificationError } from '../dist/server/index.js';

const quiet = { warn() {}, error: console.error };
const stub = process.env.BENCH_PROVIDER === 'stub';

let handler;
/** Status streams this process answered with 200 and has not closed yet (counted with BENCH_COUNT=1). */
let openStreams = 0;
const counting = process.env.BENCH_COUNT === '1';
// Its listener is added once the handler exists (it needs this server's origin).
const server = createServer();
function countingStreams(req, res) {
  if (/text\/event-stream/.test(req.headers.accept ?? '')) {
    const writeHead = res.writeHead;
    res.writeHead = function (status, ...rest) {
      if (status === 200) {
        openStreams++;
        res.once('close', () => openStreams--);
      }
      return writeHead.call(this, status, ...rest);
    };
  }
  return handler(req, res);
}
// A backlog for thousands of simulated widgets connecting at once (Node's default is 511).
await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

let store = memoryStore();
if (process.env.REDIS_URL) {
  const { createClient } = await import('redis');
  const client = createClient({ url: process.env.REDIS_URL });
  await client.connect();
  store = redisStore(client);
}
const storeCalls = {};
if (counting) store = counted(store, storeCalls);

let provider;
let sandbox;
const providerCalls = { createPayment: 0, getPayment: 0 };
if (stub) {
  provider = stubProvider(process.env.BENCH_WEBHOOK_SECRET ?? 'whsec_bench', providerCalls);
} else {
  sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: `${origin}/api/alipayhk/webhooks/checkout-com`, logger: quiet });
  provider = providers.checkoutCom({ ...sandbox.adapterOptions, logger: quiet });
}

let statusChanges = 0;
handler = createCheckoutHandler({
  basePath: '/api/alipayhk',
  provider,
  store,
  returnUrl: `${origin}/return`,
  logger: quiet,
  // Each widget's own order (an order reference has one payable payment at a time).
  order: ({ context }) => ({
    amount: { value: 4200, currency: 'HKD' },
    reference: typeof context?.orderId === 'string' ? context.orderId : `BENCH-${randomUUID()}`,
  }),
  // The merchant's server hears each outcome: counted, as a shop would fulfil the order.
  onStatusChange: () => {
    statusChanges++;
  },
  ...JSON.parse(process.env.BENCH_OPTIONS ?? '{}'),
});

// Without BENCH_COUNT (the status route's requests/s) the handler is node:http's listener itself,
// as a merchant mounts it: nothing of the bench's in the measured path.
server.on('request', counting ? countingStreams : handler);

console.log(JSON.stringify({ origin, ...(sandbox ? { sandbox: sandbox.url } : {}) }));
process.on('SIGTERM', () => process.exit(0));
if (process.send) {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message?.type !== 'stats') return;
    if (message.gc && globalThis.gc) {
      globalThis.gc();
      globalThis.gc();
    }
    process.send({
      id: message.id,
      storeCalls: { ...storeCalls },
      providerCalls: { ...providerCalls },
      statusChanges,
      openStreams,
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
    });
  });
  process.send({ ready: true, origin });
}

/** The store, counting each call by operation in `counts`. */
function counted(inner, counts) {
  const outer = {};
  for (const name of ['get', 'create', 'updateIfVersion', 'schedule', 'unschedule', 'due', 'publish', 'subscribe']) {
    counts[name] = 0;
    outer[name] = (...args) => {
      counts[name]++;
      return inner[name](...args);
    };
  }
  return outer;
}

/**
 * A provider with nothing behind it: payments are made at once and stay pending as far as
 * `getPayment` knows; their outcome comes in a webhook (HMAC-SHA256 of the body, hex, in
 * `X-Bench-Signature`), as Checkout.com's does. Its calls are counted in `calls`.
 */
function stubProvider(secret, calls) {
  return {
    name: 'bench',
    async createPayment({ sessionId, reference }) {
      calls.createPayment++;
      return { paymentId: `pay_${sessionId}`, providerReference: reference, status: 'pending', providerStatus: 'Pending', qrCode: `https://pay.example/${sessionId}` };
    },
    async getPayment(paymentId) {
      calls.getPayment++;
      return { paymentId, status: 'pending', providerStatus: 'Pending' };
    },
    async parseWebhook(raw, headers) {
      const signature = Buffer.from(String(headers['x-bench-signature'] ?? ''), 'hex');
      const expected = createHmac('sha256', secret).update(raw).digest();
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new WebhookVerificationError('Invalid X-Bench-Signature');
      const event = JSON.parse(raw.toString('utf8'));
      return { eventId: event.id, paymentId: event.paymentId, status: event.status, providerStatus: event.status };
    },
    mapStatus: (status) => status,
    async refundPayment() {
      throw new ProviderError('The bench provider makes no refunds');
    },
    async cancelPayment() {
      return 'unsupported';
    },
  };
}
