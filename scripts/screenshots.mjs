// `npm run screenshots`: every state of <alipayhk-checkout>, as a shopper sees it on a desktop
// and on an iPhone, in English and Traditional Chinese, into docs/screenshots/. Self-contained:
// a local server stands in for the merchant's page and backend (a fake API per shot, so that
// each shot's status endpoint says exactly what its state needs) and serves the built script-tag
// bundle from dist/; headless system Chromium renders it. Every shot waits for what the widget
// shows (its shadow root, data-view), never for a fixed time.
//
//   npm run screenshots                 all of them
//   npm run screenshots -- qr expired   only shots whose name contains one of the words
//   DEBUG_SCREENSHOTS=1 npm run screenshots -- …   also logs each page's console and responses
import http from 'node:http';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { KnownDevices } from 'puppeteer-core';
import { launchChromium } from '../test/node/chromium.mjs';

const root = new URL('..', import.meta.url).pathname;
const distDir = join(root, 'dist');
const outDir = join(root, 'docs', 'screenshots');

const LOCALES = ['en', 'zh-HK'];
const WAIT_MS = 15_000;
const QR_CODE = 'https://qr.alipay.com/bax08431lhm2hq1hl6bq0045';

const iPhone = KnownDevices['iPhone 13'];
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800, deviceScaleFactor: 1 } },
  // Scale 2 rather than the iPhone's 3: the same layout, files half the size.
  iphone: { userAgent: iPhone.userAgent, viewport: { ...iPhone.viewport, deviceScaleFactor: 2 } },
};

// ---------------------------------------------------------------------------------------------
// The states. `api` is what this shot's fake backend answers; `act(page, shot, cleanups)` is what
// the shopper does before the picture (a real click where the browser needs one; what it opens it
// closes through `cleanups`); `ready(w: Widget)` is a condition on what the widget shows (see
// widgetState below), checked in the page.

/** @typedef {{ view: string, status: string, message: string, detail: string, buttons: string[], qr: boolean, countdown: string, spinner: boolean, reconnecting: boolean }} Widget */

const PAY_BUTTON = 'alipayhk-checkout >>> button[part=button]';
const ANOTHER_PHONE_BUTTON = 'alipayhk-checkout >>> button[part=button].secondary';

const STATES = [
  {
    state: 'creating',
    api: { create: 'hang' },
    ready: (w) => w.view === 'creating' && w.message !== '' && w.spinner,
  },
  {
    state: 'qr',
    devices: ['desktop'],
    ready: (w) => w.view === 'qr' && w.qr && w.countdown !== '' && w.message !== '',
  },
  {
    // A phone's first view: the pay button and "Pay with another phone".
    state: 'redirect',
    devices: ['iphone'],
    ready: (w) => w.view === 'redirect' && w.buttons.length === 2,
  },
  {
    // The phone asks for a QR to scan with another phone: its session is cancelled, a desktop's made.
    state: 'qr',
    devices: ['iphone'],
    async act(page, shot) {
      await waitForWidget(page, (w) => w.view === 'redirect' && w.buttons.length === 2);
      await page.click(ANOTHER_PHONE_BUTTON);
      // Say why there is no QR, when the second session was asked for on the phone's behalf.
      await waitUntil(() => shot.creates.length >= 2);
      const { environment } = shot.creates[1] ?? {};
      if (environment?.terminalType !== 'WEB' || environment.flow !== 'qr') {
        throw new Error(`"Pay with another phone" asked for a session for ${JSON.stringify(environment)}, not a desktop's (terminalType WEB, flow qr)`);
      }
    },
    ready: (w) => w.view === 'qr' && w.qr && w.countdown !== '' && w.message !== '',
  },
  {
    // A provider that shows the QR on its own page: only a redirectUrl, opened in a popup.
    state: 'popup',
    devices: ['desktop'],
    api: { session: 'provider-page' },
    ready: (w) => w.view === 'popup' && w.buttons.length === 1,
  },
  {
    state: 'popup-open',
    devices: ['desktop'],
    api: { session: 'provider-page' },
    async act(page, shot, cleanups) {
      await waitForWidget(page, (w) => w.view === 'popup' && w.buttons.length === 1);
      const [popup] = await Promise.all([new Promise((resolve) => page.once('popup', resolve)), page.click(PAY_BUTTON)]);
      await popup.waitForFunction(() => location.pathname === '/provider.html' && document.readyState === 'complete', { polling: 50, timeout: WAIT_MS });
      cleanups.push(() => popup.close());
      // The popup took the focus; the shop's tab is the one to photograph.
      await page.bringToFront();
    },
    ready: (w) => w.view === 'popup-open' && w.message !== '' && w.buttons.length === 1,
  },
  {
    // Back from the wallet, or (here) the page navigating itself: the redirect event is prevented.
    state: 'confirming',
    devices: ['iphone'],
    preventRedirect: true,
    async act(page) {
      await waitForWidget(page, (w) => w.view === 'redirect' && w.buttons.length === 2);
      await page.click(PAY_BUTTON);
    },
    ready: (w) => w.view === 'confirming' && w.message !== '' && w.spinner,
  },
  {
    state: 'reconnecting',
    api: { statusCode: 503 },
    ready: (w) => (w.view === 'qr' ? w.qr : w.view === 'redirect') && w.reconnecting && w.message !== '',
  },
  {
    state: 'succeeded',
    api: { status: { status: 'succeeded' } },
    ready: (w) => w.view === 'succeeded' && w.message !== '',
  },
  {
    state: 'failed',
    api: { status: { status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'Insufficient funds' } },
    // The reason is a chunk loaded with the first failure.
    ready: (w) => w.view === 'failed' && w.message !== '' && w.detail !== '' && w.buttons.length === 1,
  },
  {
    // Inherently timed: the session expires 2 s after it is made, and its last check says pending.
    state: 'expired',
    api: { expiresInMs: 2_000 },
    ready: (w) => w.view === 'expired' && w.message !== '' && w.buttons.length === 1,
  },
  {
    state: 'cancelled',
    async act(page) {
      await waitForWidget(page, (w) => w.view === 'qr' || w.view === 'redirect');
      await page.$eval('alipayhk-checkout', (el) => el.cancel());
    },
    ready: (w) => w.view === 'cancelled' && w.message !== '',
  },
  {
    state: 'error',
    api: { create: 'error' },
    ready: (w) => w.view === 'error' && w.message !== '' && w.buttons.length === 1,
  },
];

const filters = process.argv.slice(2);
const shots = Object.keys(DEVICES).flatMap((device) =>
  LOCALES.flatMap((locale) =>
    STATES.filter((s) => !s.devices || s.devices.includes(device)).map((s) => ({ ...s, device, locale, name: `${device}-${locale}-${s.state}` })),
  ),
).filter((shot) => filters.length === 0 || filters.some((word) => shot.name.includes(word)));
if (shots.length === 0) {
  console.error(`No shot matches ${filters.join(', ')}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The server: the bundle, a merchant page per shot, a fake merchant API per shot, a provider page.

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const shotsByName = new Map(shots.map((shot) => [shot.name, shot]));
// The bodies of the create requests each shot's fake API received.
for (const shot of shots) shot.creates = [];
/** Create requests held open (the `creating` state), answered with nothing when the server closes. */
const held = new Set();
let sessionCount = 0;

function send(res, status, body, type = 'application/json; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function serveDist(pathname, res) {
  const file = normalize(join(distDir, decodeURIComponent(pathname.slice('/dist/'.length))));
  if (!file.startsWith(distDir + sep)) return send(res, 404, 'Not found', 'text/plain');
  let body;
  try {
    body = readFileSync(file);
  } catch {
    return send(res, 404, 'Not found', 'text/plain');
  }
  send(res, 200, body, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
}

/** A neutral merchant page: light grey, the element in a white column (full width on a phone). */
function harnessPage(shot) {
  return `<!doctype html>
<html lang="${shot.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checkout · Tea House Causeway Bay</title>
<style>
  html { background: #eef0f3; }
  body { margin: 0; font-family: system-ui, sans-serif; }
  #column { box-sizing: border-box; width: 400px; margin: 48px auto; padding: 16px; background: #fff; }
  .iphone #column { width: auto; margin: 0; }
</style>
<script>
  ${shot.preventRedirect ? "document.addEventListener('alipayhk-redirect', (event) => event.preventDefault());" : ''}
  // What the shopper sees, read from the shadow root.
  window.widgetState = () => {
    const el = document.querySelector('alipayhk-checkout');
    const shadow = el?.shadowRoot;
    const text = (selector) => shadow?.querySelector(selector)?.textContent.trim() ?? '';
    return {
      view: shadow?.querySelector('[part=base]')?.dataset.view ?? '',
      status: el?.status ?? '',
      message: text('[part=message]'),
      detail: text('[part=detail]'),
      buttons: [...(shadow?.querySelectorAll('button[part=button]') ?? [])].map((b) => b.textContent.trim()),
      qr: !!shadow?.querySelector('svg[part=qr] path'),
      countdown: text('[part=countdown]'),
      spinner: !!shadow?.querySelector('[part=spinner]'),
      // The element's own state behind "Reconnecting…" (SPEC §4): transient failures being retried.
      reconnecting: el?._reconnecting === true,
    };
  };
</script>
<script type="module" src="/dist/alipayhk-checkout.js"></script>
</head>
<body class="${shot.device}">
<main id="column">
  <alipayhk-checkout session-url="/api/${shot.name}/sessions" locale="${shot.locale}"></alipayhk-checkout>
</main>
</body>
</html>
`;
}

/** The provider's own payment page, as a popup shows it (never photographed, only opened). */
const PROVIDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment provider</title>
<style>body { font-family: system-ui, sans-serif; text-align: center; margin: 48px; }
.code { width: 200px; height: 200px; margin: 24px auto; background: repeating-conic-gradient(#000 0 25%, #fff 0 50%) 0 0 / 20px 20px; }</style>
</head><body><h1>Payment provider</h1><p>Scan with the AlipayHK app to pay HK$28.00</p><div class="code"></div></body></html>
`;

function session(shot, origin, environment) {
  const api = shot.api ?? {};
  const base = `/api/${shot.name}`;
  const link = api.session === 'provider-page' ? { redirectUrl: `${origin}/provider.html` } : { qrCode: QR_CODE };
  return {
    id: `cs_${shot.name}_${++sessionCount}`,
    amount: { value: 2800, currency: 'HKD' },
    statusUrl: `${base}/status`,
    cancelUrl: `${base}/cancel`,
    ...link,
    expiresAt: new Date(Date.now() + (api.expiresInMs ?? 15 * 60_000)).toISOString(),
    flow: environment?.flow === 'redirect' ? 'redirect' : 'qr',
    status: 'pending',
    merchantName: 'Tea House Causeway Bay',
    reference: 'A-1001',
  };
}

async function handle(req, res, origin) {
  const { pathname } = new URL(req.url, origin);
  if (pathname.startsWith('/dist/')) return serveDist(pathname, res);
  if (pathname === '/favicon.ico') return send(res, 204, '', 'text/plain');
  if (pathname === '/provider.html') return send(res, 200, PROVIDER_PAGE, CONTENT_TYPES['.html']);
  const page = pathname.match(/^\/shot\/([\w-]+)\.html$/);
  if (page && shotsByName.has(page[1])) return send(res, 200, harnessPage(shotsByName.get(page[1])), CONTENT_TYPES['.html']);
  const api = pathname.match(/^\/api\/([\w-]+)\/(sessions|status|cancel)$/);
  const shot = api && shotsByName.get(api[1]);
  if (!shot) return send(res, 404, { code: 'not_found', message: 'Not found' });
  const behaviour = shot.api ?? {};
  switch (api[2]) {
    case 'sessions': {
      if (req.method !== 'POST') return send(res, 405, { code: 'method_not_allowed', message: 'POST only' });
      const body = await readJson(req);
      shot.creates.push(body);
      if (behaviour.create === 'hang') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      if (behaviour.create === 'error') return send(res, 400, { code: 'order_closed', message: 'Order A-1001 is already paid' });
      return send(res, 201, session(shot, origin, body?.environment));
    }
    case 'status':
      if (behaviour.statusCode) return send(res, behaviour.statusCode, { code: 'unavailable', message: 'Try again later' });
      return send(res, 200, behaviour.status ?? { status: 'pending' });
    case 'cancel':
      if (req.method !== 'POST') return send(res, 405, { code: 'method_not_allowed', message: 'POST only' });
      return send(res, 200, { status: 'cancelled' });
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      handle(req, res, origin).catch((error) => send(res, 500, { code: 'internal', message: error.message }));
    });
    let origin;
    server.once('error', reject);
    // Port 0: the system picks a free one.
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        origin,
        close() {
          for (const res of held) res.destroy();
          server.closeAllConnections();
          return new Promise((done) => server.close(done));
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Taking the pictures.

/** Waits until `condition(widgetState())` holds in the page; on timeout says what was shown instead. */
async function waitForWidget(page, condition, timeout = WAIT_MS) {
  try {
    // Polled on a timer: a background tab gets no animation frames.
    await page.waitForFunction(`(${condition})(window.widgetState())`, { polling: 50, timeout });
  } catch (error) {
    const shown = await page.evaluate(() => window.widgetState?.()).catch(() => undefined);
    throw new Error(`${error.message.split('\n')[0]}; waiting for ${condition}; the widget shows ${JSON.stringify(shown)}`);
  }
}

/** Waits for a condition on this side (the fake API), up to WAIT_MS. */
async function waitUntil(condition) {
  for (const deadline = Date.now() + WAIT_MS; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${WAIT_MS / 1000} s: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function takeShot(browser, origin, shot) {
  // A context of its own: no sessionStorage (resume) or tab-sharing channel shared between shots.
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const cleanups = [];
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (process.env.DEBUG_SCREENSHOTS) {
    page.on('console', (message) => console.log(`  ${shot.name} console.${message.type()}: ${message.text()}`));
    page.on('response', (response) => console.log(`  ${shot.name} ${response.status()} ${response.url()}`));
    page.on('request', (request) => request.postData() && console.log(`  ${shot.name} ${request.method()} ${request.url()} ${request.postData()}`));
  }
  try {
    await page.emulate(DEVICES[shot.device]);
    // A still spinner and the light theme: the same state gives the same picture.
    await page.emulateMediaFeatures([
      { name: 'prefers-reduced-motion', value: 'reduce' },
      { name: 'prefers-color-scheme', value: 'light' },
    ]);
    await page.goto(`${origin}/shot/${shot.name}.html`);
    if (shot.act) await shot.act(page, shot, cleanups);
    await waitForWidget(page, shot.ready);
    await page.evaluate(() => document.fonts.ready);
    if (errors.length) throw new Error(`page error: ${errors.join('; ')}`);
    const column = await page.$('#column');
    const png = await column.screenshot({ type: 'png' });
    const file = join(outDir, `${shot.name}.png`);
    writeFileSync(file, png);
    return file;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await context.close();
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function pngSize(file) {
  const png = readFileSync(file);
  return `${png.readUInt32BE(16)}×${png.readUInt32BE(20)}`;
}

const startedAt = Date.now();
mkdirSync(outDir, { recursive: true });
// Pictures of states that no longer exist must not linger.
for (const file of readdirSync(outDir)) {
  if (file.endsWith('.png') && (filters.length === 0 || shotsByName.has(file.slice(0, -4)))) rmSync(join(outDir, file));
}

const server = await startServer();
const browser = await launchChromium();
const failures = [];
let bytes = 0;
try {
  // One at a time: a page that is not in front is hidden, and a hidden widget does not poll.
  for (const shot of shots) {
    try {
      const file = await takeShot(browser, server.origin, shot);
      const size = statSync(file).size;
      bytes += size;
      console.log(`${file.slice(root.length)}  ${pngSize(file)}  ${kb(size)}`);
    } catch (error) {
      failures.push(shot.name);
      console.error(`FAILED ${shot.name}: ${error.message}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
console.log(`${shots.length - failures.length} of ${shots.length} screenshots, ${kb(bytes)}, in ${seconds} s`);
if (failures.length) {
  console.error(`${failures.length} failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
