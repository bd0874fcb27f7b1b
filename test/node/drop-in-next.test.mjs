// Proof that the package drops into Next.js (issue 15): `npm pack`, the tarball installed into a
// fresh App Router project (test/drop-in/next/) and built with `next build`. The page renders
// <alipayhk-checkout> on the server; the merchant routes are one route handler calling
// `handler.fetch`, with Checkout.com's keys in the environment (here the sandbox's); the order is
// fulfilled in `onStatusChange`. React reports hydration mismatches only in development, so the
// same project also runs under `next dev` for that check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox } from '../../dist/server/index.js';
import { launchChromium } from './chromium.mjs';
import { packTarball, root, run as runCommand, waitFor } from './drop-in-project.mjs';
import { freePort } from './free-port.mjs';

// The children get their own NODE_ENV (next sets it per command).
const { NODE_ENV, ...baseEnv } = process.env;
const env = { ...baseEnv, NEXT_TELEMETRY_DISABLED: '1', npm_config_update_notifier: 'false' };

let work;
let dir;
let browser;
let sandbox;
let shopPort;
const servers = new Set();

const run = (command, args, cwd) => runCommand(command, args, cwd, { NEXT_TELEMETRY_DISABLED: '1' });

/** `next start` or `next dev` on a free port, with the shop's environment; resolves once it is ready. */
async function next(command, port) {
  const origin = `http://127.0.0.1:${port}`;
  const { secretKey, processingChannelId, webhookSecret, baseUrl } = sandbox.adapterOptions;
  const child = spawn(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), command, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: dir,
    // Its own process group: `next` starts a server process of its own, stopped with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, SHOP_ORIGIN: origin, CKO_SECRET_KEY: secretKey, CKO_CHANNEL_ID: processingChannelId, CKO_WEBHOOK_SECRET: webhookSecret, CKO_BASE_URL: baseUrl },
  });
  const server = { origin, output: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  server.stop = async () => {
    servers.delete(server);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await server.exited;
  };
  servers.add(server);
  let exitCode;
  server.exited.then((code) => (exitCode = code));
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (server.output += chunk));
  await waitFor(() => exitCode !== undefined || /Ready in/.test(server.output), `next ${command}`);
  assert.equal(exitCode, undefined, `next ${command} exited:\n${server.output}`);
  return server;
}

/** Collects the page's console warnings and errors and its uncaught errors; keeps the session it shows. */
async function watch(page) {
  const problems = [];
  page.on('console', (message) => ['warn', 'error', 'assert'].includes(message.type()) && problems.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('alipayhk-ready', (event) => (window.__session = event.detail.session));
  });
  return problems;
}

const shown = `document.querySelector('alipayhk-checkout')?.shadowRoot?.querySelector('button[part=button], svg[part=qr] path')`;

describe('the packed tarball in a fresh Next.js (App Router) project', { timeout: 300_000 }, () => {
  before(async () => {
    let tarball;
    ({ work, tarball } = packTarball('alipayhk-drop-in-next-'));
    dir = join(work, 'next');
    cpSync(join(root, 'test/drop-in/next'), dir, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.dependencies['alipayhk-checkout'] = `file:${tarball}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    // Built without the provider's keys, as a CI build would be (the type check included).
    run(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), 'build'], dir);
    // The shop's port is chosen first: the sandbox sends its webhooks there.
    shopPort = await freePort();
    sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: `http://127.0.0.1:${shopPort}/api/alipayhk/webhooks/checkout-com`, logger: { warn() {}, error: console.error } });
    browser = await launchChromium();
  });

  after(async () => {
    for (const server of servers) await server.stop();
    await browser?.close();
    await sandbox?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('next start: rendered on the server, paid through handler.fetch, fulfilled in onStatusChange', async () => {
    const shop = await next('start', shopPort);
    const page = await browser.newPage();
    const problems = await watch(page);
    try {
      const html = await (await fetch(`${shop.origin}/`)).text();
      assert.match(html, /<h1>Egg tarts<\/h1><alipayhk-checkout><\/alipayhk-checkout>/, 'the element is in the server-rendered HTML');
      await page.goto(`${shop.origin}/`);
      await page.waitForFunction(shown, { polling: 50, timeout: 20_000 });
      const session = await page.evaluate(() => window.__session);
      assert.equal(session.push, 'sse');
      assert.equal(session.amount.value, 8800, 'priced by the server');
      // The shopper scans the code and approves in the wallet: the sandbox sends the signed webhook.
      const approved = await fetch((session.qrCode ?? session.redirectUrl).replace(/\/?$/, '/approve'), { method: 'POST', redirect: 'manual' });
      assert.equal(approved.status, 303);
      await page.waitForFunction(`document.getElementById('result').textContent !== ''`, { polling: 50, timeout: 20_000 });
      assert.equal(await page.$eval('#result', (el) => el.textContent), 'paid: succeeded');
      await waitFor(() => shop.output.includes(`fulfilled ${session.reference} (${session.id}.succeeded)`), 'onStatusChange');
      assert.equal(shop.output.match(/fulfilled /g).length, 1, 'fulfilled once');
      assert.equal(sandbox.payments().length, 1, 'one payment at the provider');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await shop.stop();
    }
  });

  it('next dev: hydrates without a warning or an error', async () => {
    // The check has teeth: a page whose attribute differs between server and browser.
    mkdirSync(join(dir, 'app/mismatch'));
    writeFileSync(join(dir, 'app/mismatch/page.tsx'), "'use client';\nexport default function Page() {\n  return <p title={typeof window}>where</p>;\n}\n");
    const shop = await next('dev', await freePort());
    const mismatch = await browser.newPage();
    const page = await browser.newPage();
    try {
      const reported = await watch(mismatch);
      await mismatch.goto(`${shop.origin}/mismatch`);
      await waitFor(() => reported.some((problem) => /hydrated but some attributes .* didn't match/s.test(problem)), 'the mismatch reported');
      const problems = await watch(page);
      await page.goto(`${shop.origin}/`);
      // The wrapper sets sessionUrl after hydration: once the session is shown, hydration has reported.
      await page.waitForFunction(() => window.__session, { polling: 50, timeout: 60_000 });
      // Lit's development build says so once; nothing else may.
      assert.deepEqual(problems.filter((problem) => !/^warn: Lit is in dev mode\./.test(problem)), []);
    } finally {
      await mismatch.close();
      await page.close();
      await shop.stop();
    }
  });
});
