// Proof that the server half drops into Express and Fastify (issue 15) exactly as README.md shows:
// the README's snippets marked `<!-- drop-in: express -->` and `<!-- drop-in: fastify -->` are
// written, unchanged, as the server.js of a fresh project outside this repository, so they cannot
// drift from what runs. Beside it, from test/drop-in/<framework>/: checkout.js (the README's
// handler, on the Checkout.com sandbox started here, its keys in the environment as a shop's are)
// and the shop's page with the script-tag build. The packed tarball and the framework are
// installed from the npm registry (cache first), the app runs as a process of its own, and an
// iPhone in Chromium pays through: the pay button goes to the sandbox's wallet page, the shopper
// approves, the sandbox's signed webhook goes through the framework to the handler, the wallet
// sends the shopper back to the page (the handler's returnUrl), which shows `succeeded`; the app's
// onStatusChange fulfils the order; SIGTERM ends an open status stream, then the app, even with a
// connection open on which no request came (Chromium opens them ahead of time). (A desktop
// would open Checkout.com's page in a popup, whose code the element loads after the session: a
// click before it arrives goes to the page in this tab instead, so that flow is a race in a test.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { KnownDevices } from 'puppeteer-core';
import { startSandbox } from '../../dist/server/index.js';
import { launchChromium } from './chromium.mjs';
import { packTarball, root, run, waitFor } from './drop-in-project.mjs';
import { freePort } from './free-port.mjs';


/**
 * The frameworks, the newest in the npm registry on 2026-12-02, pinned so that runs repeat; but
 * @fastify/static 9, as 10 needs Node 22 (content-disposition 3) and this package supports 20.19.
 */
const FRAMEWORKS = {
  express: { express: '5.3.0' },
  fastify: { fastify: '5.12.8', '@fastify/static': '9.3.0' },
};

/** The snippets of README.md's "The server half" marked for this test, by framework. */
function readmeSnippets() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## The server half');
  assert.notEqual(start, -1, 'README.md has "The server half"');
  const end = readme.indexOf('\n## ', start);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const snippets = {};
  for (const [, name, code] of section.matchAll(/<!-- drop-in: (\w+) -->\n```js\n([\s\S]*?)```\n/g)) {
    assert.ok(!Object.hasOwn(snippets, name), `README.md marks two ${name} snippets`);
    snippets[name] = code;
  }
  return snippets;
}

let work;
let tarball;
let browser;
let snippets;
/** What a test started (the app, the sandbox, a browser context), stopped after it even when it failed or timed out. */
const cleanups = [];

// NODE_ENV is left out (see run()); the app gets its own below.
const npm = (args, cwd) => run('npm', args, cwd);

before(async () => {
  snippets = readmeSnippets();
  assert.deepEqual(Object.keys(snippets).sort(), Object.keys(FRAMEWORKS), 'README.md marks an Express and a Fastify snippet in "The server half"');
  ({ work, tarball } = packTarball('alipayhk-drop-in-servers-'));
  browser = await launchChromium();
});

afterEach(async () => {
  // Newest first; one that fails does not keep the others from running.
  const results = [];
  while (cleanups.length) results.push(await Promise.allSettled([cleanups.pop()()]));
  const failed = results.flat().find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh shop: the template, the README's snippet as server.js, the tarball and the framework installed. */
function project(framework) {
  const dir = join(work, framework);
  // One shop for both frameworks (test/drop-in/server-app/): only server.js, the snippet, differs.
  cpSync(join(root, 'test/drop-in/server-app'), dir, { recursive: true });
  writeFileSync(join(dir, 'server.js'), snippets[framework]);
  const dependencies = { 'alipayhk-checkout': `file:${tarball}`, ...FRAMEWORKS[framework] };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `drop-in-${framework}`, private: true, type: 'module', dependencies }, null, 2));
  const { stdout, stderr } = npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
  for (const name of Object.keys(dependencies)) {
    assert.ok(existsSync(join(dir, 'node_modules', name, 'package.json')), `npm install left out ${name}:\n${stdout}\n${stderr}`);
  }
  // The shop's build step for the script tag: the package's dist/ served as a whole (README, "Script tag").
  cpSync(join(dir, 'node_modules/alipayhk-checkout/dist'), join(dir, 'public/alipayhk-checkout'), { recursive: true });
  return dir;
}

/** Runs `node server.js` in `dir` on `port` and resolves once it serves the shop's page. */
async function startApp(dir, port, env) {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), SHOP_ORIGIN: origin, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app = { origin, child, output: '', exit: undefined };
  child.stdout.on('data', (chunk) => (app.output += chunk));
  child.stderr.on('data', (chunk) => (app.output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((app.exit = { code, signal }))));
  cleanups.push(async () => {
    if (!app.exit) child.kill('SIGKILL');
    await exited;
  });
  const serves = async () => {
    if (app.exit) throw new Error(`node server.js exited (${JSON.stringify(app.exit)}):\n${app.output}`);
    return fetch(`${origin}/`, { signal: AbortSignal.timeout(5000) }).then((response) => response.ok, () => false);
  };
  await waitFor(serves, () => `node server.js serving ${origin}/:\n${app.output}`, 30_000);
  return app;
}

async function payThrough(framework) {
  const dir = project(framework);
  const port = await freePort();
  const webhookWarnings = [];
  const sandbox = await startSandbox({
    provider: 'checkout-com',
    webhookUrl: `http://127.0.0.1:${port}/api/alipayhk/webhooks/checkout-com`,
    // It warns when the shop answered its webhook with anything but 2xx, or not at all.
    logger: { warn: (message) => webhookWarnings.push(message), error: (error) => webhookWarnings.push(String(error)) },
  });
  cleanups.push(() => sandbox.close());
  const { secretKey, processingChannelId, webhookSecret, baseUrl } = sandbox.adapterOptions;
  const app = await startApp(dir, port, { CKO_SECRET_KEY: secretKey, CKO_CHANNEL_ID: processingChannelId, CKO_WEBHOOK_SECRET: webhookSecret, CKO_BASE_URL: baseUrl });
  // A browser context of its own: its pages and connections go with it.
  const context = await browser.createBrowserContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.emulate(KnownDevices['iPhone 13']);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('alipayhk-ready', (event) => (window.__session = event.detail.session));
  });
  await page.goto(`${app.origin}/`);
  // Poll on a timer: the default polls on animation frames, which a background tab never gets.
  const pageShows = (expression, ...args) => page.waitForFunction(expression, { polling: 50, timeout: 20_000 }, ...args);
  const result = () => page.$eval('#result', (el) => el.textContent);
  await pageShows(`window.__session || document.getElementById('result').textContent`);
  const session = await page.evaluate(() => window.__session);
  assert.ok(session, `no session but ${await result()}; the app said:\n${app.output}`);
  assert.deepEqual(session.amount, { value: 2800, currency: 'HKD' }, 'priced by the server');
  const button = `document.querySelector('alipayhk-checkout')?.shadowRoot?.querySelector('button[part=button]')`;
  await pageShows(button);
  // A phone: the pay button goes to the wallet, the shopper approves, the wallet sends them back to
  // the handler's returnUrl (this page), where the element confirms the same session.
  await Promise.all([page.waitForNavigation({ timeout: 20_000 }), page.evaluate(`${button}.click()`)]);
  assert.equal(page.url(), session.redirectUrl);
  await Promise.all([page.waitForNavigation({ timeout: 20_000 }), page.click('#approve')]);
  await pageShows((origin) => location.origin === origin, app.origin);
  await pageShows(`document.getElementById('result').textContent !== ''`);
  assert.equal(await result(), 'paid: succeeded');
  assert.equal(await page.evaluate(() => window.__session.id), session.id, 'the same session, resumed');
  assert.deepEqual(errors, []);
  assert.deepEqual(webhookWarnings, [], 'the app took the signed webhook');
  // The status stream through the framework: the final status, then the end.
  const stream = await fetch(new URL(session.statusUrl, app.origin), { headers: { Accept: 'text/event-stream' }, signal: AbortSignal.timeout(10_000) });
  assert.match(stream.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(await stream.text(), 'event: status\ndata: {"status":"succeeded"}\n\n');
  assert.equal(sandbox.payments().length, 1, 'one payment at the provider');
  // The app's onStatusChange fulfilled the order.
  await waitFor(() => app.output.includes(`fulfilled A-1001 (${session.id}.succeeded)`), () => `onStatusChange in the app's output:\n${app.output}`);
  // The README's shutdown, with this shopper's page still open, another shopper mid-payment (a
  // pending session's status stream open) and a connection on which no request came yet (Chromium
  // opens them ahead of time, at random here; Node 20's server.close() waits for them): SIGTERM
  // ends the stream at once, and the app by itself within the snippet's 5 s.
  const created = await fetch(`${app.origin}/api/alipayhk/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ environment: { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false }, context: { orderId: 'A-1002' } }),
  });
  assert.equal(created.status, 201);
  const pending = await created.json();
  const open = await fetch(new URL(pending.statusUrl, app.origin), { headers: { Accept: 'text/event-stream' }, signal: AbortSignal.timeout(20_000) });
  const events = open.body.pipeThrough(new TextDecoderStream()).getReader();
  let first = '';
  while (!first.endsWith('\n\n')) first += (await events.read()).value ?? '\n\n';
  assert.equal(first, 'event: status\ndata: {"status":"pending"}\n\n');
  const preconnection = connect(port, '127.0.0.1');
  cleanups.push(() => preconnection.destroy());
  await once(preconnection, 'connect');
  preconnection.on('error', () => {});
  // A request on a connection opened after it: once answered, the app has accepted the first too.
  await new Promise((resolve, reject) => get(`${app.origin}/`, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
  app.child.kill('SIGTERM');
  try {
    while (!(await events.read()).done);
  } catch (error) {
    throw new Error(`the status stream still open after SIGTERM (${error.message}):\n${app.output}`);
  }
  await waitFor(() => app.exit, () => `node server.js ending after SIGTERM:\n${app.output}`, 15_000);
  assert.deepEqual(app.exit, { code: 0, signal: null }, app.output);
}

describe('the server half in a fresh Express or Fastify app, as README.md shows it', { timeout: 300_000 }, () => {
  for (const framework of Object.keys(FRAMEWORKS)) {
    it(`${framework}: the README's snippet as server.js, paid through in Chromium, fulfilled in onStatusChange`, { timeout: 120_000 }, () => payThrough(framework));
  }
});
