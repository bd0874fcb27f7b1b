// Real servers on 127.0.0.1 for the server tests: a merchant backend (the handler under test
// on node:http), the sandbox provider, and a scriptable stand-in for a provider's API.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createCheckoutHandler, memoryStore, providers, startSandbox } from '../../../dist/server/index.js';

export const quietLogger = { warn() {}, error() {} };

/** Hex HMAC-SHA256 of a body, as a provider signs a webhook: made here, not with the adapter's own helper. */
export const hmacSha256Hex = (key, body) => createHmac('sha256', key).update(body).digest('hex');

export const DESKTOP = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };
export const IPHONE = { deviceType: 'mobile', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false };
export const ANDROID_APP = { deviceType: 'mobile', terminalType: 'APP', osType: 'ANDROID', flow: 'redirect', inApp: true, inWallet: false };

export async function listen(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** A merchant backend on a provider's sandbox (Checkout.com by default); `options` override the handler's. */
export async function startMerchant(options = {}, provider = 'checkout-com', sandboxOptions = {}) {
  let handler;
  let received = 0;
  const merchant = await listen((req, res) => {
    received += 1;
    return handler(req, res);
  });
  const webhookFailures = [];
  const sandbox = await startSandbox({
    provider,
    webhookUrl: `${merchant.url}/api/alipayhk/webhooks/${provider}`,
    logger: { warn: (message) => webhookFailures.push(message), error: (message) => webhookFailures.push(message) },
    ...sandboxOptions,
  });
  const orders = [];
  const makeHandler = (extra = {}) => createCheckoutHandler({
    basePath: '/api/alipayhk',
    provider: providers[sandbox.factory]({ ...sandbox.adapterOptions, logger: quietLogger }),
    store: memoryStore(),
    returnUrl: 'https://shop.example/checkout/return',
    logger: quietLogger,
    // Ask the provider on every status request, so that tests can make its answer the only source.
    providerCheckIntervalMs: 0,
    order({ context }) {
      orders.push(context);
      const currency = provider === 'omise' ? 'SGD' : 'HKD';
      return { amount: { value: 12345, currency }, reference: `ORDER-${orders.length}`, description: 'Test order' };
    },
    ...options,
    ...extra,
  });
  handler = makeHandler();
  return {
    url: merchant.url,
    sandbox,
    orders,
    /** The handler as it is now (getSession, reconcile, close). */
    get handler() {
      return handler;
    },
    /** How many requests reached the merchant's server so far. */
    get received() {
      return received;
    },
    /**
     * The merchant's process starts again: a new handler with a new memoryStore (and `extra`
     * options), on the same address and sandbox.
     */
    restart(extra) {
      void handler.close();
      handler = makeHandler(extra);
    },
    /** What the sandbox logged when a webhook was refused or could not be sent. */
    webhookFailures,
    async create({ key = crypto.randomUUID(), environment = DESKTOP, context, headers = {} } = {}) {
      const response = await fetch(`${merchant.url}/api/alipayhk/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, ...headers },
        body: JSON.stringify({ environment, locale: 'en', context }),
      });
      return { status: response.status, body: await response.json() };
    },
    async status(session) {
      const response = await fetch(`${merchant.url}${session.statusUrl}`, { headers: { Accept: 'application/json' } });
      return { status: response.status, body: await response.json() };
    },
    /** Presses a button on the sandbox's wallet page, as the shopper would. */
    async wallet(session, outcome) {
      const walletUrl = session.qrCode ?? session.redirectUrl;
      const response = await fetch(walletUrl.replace(/\/?$/, `/${outcome}`), { method: 'POST', redirect: 'manual' });
      return response.status;
    },
    async close() {
      await handler.close();
      await sandbox.close();
      await merchant.close();
    },
  };
}

/** A seed example copied into test/fixtures/<provider>/<name>.json, without its `_source` note. */
export function loadFixture(provider, name) {
  const { _source, ...json } = JSON.parse(readFileSync(new URL(`../../fixtures/${provider}/${name}.json`, import.meta.url), 'utf8'));
  return json;
}

/** Runs `run(api)` against a fakeApi answering with `answer`, and closes it. */
export async function withFakeApi(answer, run) {
  const api = await fakeApi(answer);
  try {
    await run(api);
  } finally {
    await api.close();
  }
}

/** A stand-in for a provider's API that records requests (JSON or form bodies) and answers as told. */
export async function fakeApi(answer) {
  const requests = [];
  const server = await listen(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const body = !text ? undefined : form ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text);
    requests.push({ method: req.method, url: req.url, headers: req.headers, body, text });
    const { status, json } = answer(req, requests.length);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(json === undefined ? '' : JSON.stringify(json));
  });
  return { ...server, requests };
}

/**
 * A proxy in front of a provider (the sandbox) that records each request and may rewrite it:
 * `rewrite(request)` gets `{ method, url, headers, body }` and may change them.
 */
export async function providerProxy(target, rewrite = () => {}) {
  const requests = [];
  const server = await listen(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { method: req.method, url: req.url, headers: { ...req.headers }, body };
    delete request.headers.host;
    delete request.headers['content-length'];
    rewrite(request);
    requests.push(request);
    const answer = await fetch(target + request.url, { method: request.method, headers: request.headers, body: request.body || undefined });
    const text = await answer.text();
    request.answer = { status: answer.status, text };
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
  });
  return { ...server, requests };
}

/** A request with its path sent exactly as given (fetch would normalise `..` and the like). */
export function rawRequest(origin, method, path, { headers = {}, body } = {}) {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, async (res) => {
      let text = '';
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode, text });
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** A SessionStore that counts its calls and remembers the TTL of each key's last write. */
export function countingStore(store) {
  const counts = { get: 0, create: 0, updateIfVersion: 0 };
  const lastTtl = new Map();
  return {
    counts,
    lastTtl,
    async get(key) {
      counts.get += 1;
      return store.get(key);
    },
    async create(key, value, ttlMs) {
      counts.create += 1;
      const created = await store.create(key, value, ttlMs);
      if (created) lastTtl.set(key, ttlMs);
      return created;
    },
    async updateIfVersion(key, version, value, ttlMs) {
      counts.updateIfVersion += 1;
      const updated = await store.updateIfVersion(key, version, value, ttlMs);
      if (updated) lastTtl.set(key, ttlMs);
      return updated;
    },
    schedule: (...args) => store.schedule(...args),
    unschedule: (...args) => store.unschedule(...args),
    due: (...args) => store.due(...args),
    /** Messages published through this store (not counted in `counts`: they are not reads or writes). */
    published: [],
    async publish(channel, message) {
      this.published.push({ channel, message });
      return store.publish(channel, message);
    },
    subscribe: (...args) => store.subscribe(...args),
  };
}
