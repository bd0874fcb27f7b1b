// Proof that the package drops into Vue 3 (issue 15): `npm pack`, the tarball installed into a
// fresh Vite + Vue project (test/drop-in/vue/), built with its own Vite and paid through in
// headless Chromium against the sandbox. The element sits in a template with the `session-url`
// attribute and `@alipayhk-…` listeners; Vue is told it is a custom element. Vue warns only in
// its development build, so that build is checked for warnings too.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preview } from 'vite';
import { createCheckoutHandler, providers, startSandbox } from '../../dist/server/index.js';
import { launchChromium } from './chromium.mjs';
import { packTarball, root, run } from './drop-in-project.mjs';
import { freePort } from './free-port.mjs';

const quiet = { info() {}, warn() {}, error: console.error };

let work;
let dir;
let browser;

/** Builds the project into `outDir` (a Vue development build when `development`). */
function build(outDir, { development = false, config = 'vite.config.js' } = {}) {
  run('npm', ['exec', '--', 'vite', 'build', '--config', config, '--outDir', outDir, '--logLevel', 'warn'], dir, development ? { NODE_ENV: 'development' } : {});
  return join(dir, outDir);
}

/**
 * Serves `distDir` (Vite's preview server: static files) with the shop's server half beside it, at
 * `/api/alipayhk` against Checkout.com's sandbox, opens the page and hands it to `use`.
 */
async function serve(distDir, use) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({ provider: 'checkout-com', webhookUrl: `${origin}/api/alipayhk/webhooks/checkout-com`, logger: quiet });
  const statusChanges = [];
  const contexts = [];
  const handler = createCheckoutHandler({
    basePath: '/api/alipayhk',
    provider: providers.checkoutCom({ ...sandbox.adapterOptions, logger: quiet }),
    order: ({ context }) => {
      contexts.push(context);
      return { amount: { value: 8800, currency: 'HKD' }, reference: `vue-${Date.now()}` };
    },
    returnUrl: `${origin}/`,
    onStatusChange: (change) => void statusChanges.push(change),
    logger: quiet,
  });
  const server = await preview({
    root: distDir,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: '.' },
    preview: { host: '127.0.0.1', port, strictPort: true },
    plugins: [{ name: 'merchant', configurePreviewServer: (s) => void s.middlewares.use(handler) }],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (message) => ['warn', 'error', 'assert'].includes(message.type()) && problems.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('alipayhk-ready', (event) => (window.__session = event.detail.session));
  });
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__session, { polling: 50, timeout: 20_000 });
    await use({ page, problems, sandbox, statusChanges, contexts });
  } finally {
    await page.close();
    // A status stream the page left open would hold the server's close: end them first.
    await handler.close();
    server.httpServer.closeAllConnections();
    await new Promise((resolve) => server.httpServer.close(resolve));
    await sandbox.close();
  }
}

describe('the packed tarball in a fresh Vite + Vue 3 project', { timeout: 300_000 }, () => {
  before(async () => {
    let tarball;
    ({ work, tarball } = packTarball('alipayhk-drop-in-vue-'));
    dir = join(work, 'vue');
    cpSync(join(root, 'test/drop-in/vue'), dir, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.dependencies['alipayhk-checkout'] = `file:${tarball}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('vite build: paid through, the template listener saw alipayhk-success, the server fulfilled it', async () => {
    await serve(build('dist'), async ({ page, problems, sandbox, statusChanges, contexts }) => {
      const session = await page.evaluate(() => window.__session);
      assert.deepEqual(contexts, [{ sku: 'egg-tarts' }], ':context reached the element as an object');
      assert.equal(session.push, 'sse');
      // The shopper scans the code and approves in the wallet: the sandbox sends the signed webhook.
      const approved = await fetch((session.qrCode ?? session.redirectUrl).replace(/\/?$/, '/approve'), { method: 'POST', redirect: 'manual' });
      assert.equal(approved.status, 303);
      await page.waitForFunction(`document.getElementById('result').textContent !== ''`, { polling: 50, timeout: 20_000 });
      assert.equal(await page.$eval('#result', (el) => el.textContent), 'paid: succeeded');
      assert.deepEqual(statusChanges.map(({ session: { id, status } }) => [id, status]), [[session.id, 'succeeded']]);
      assert.equal(sandbox.payments().length, 1, 'one payment at the provider');
      assert.deepEqual(problems, []);
    });
  });

  it("Vue's development build: no warning, Vue knows the custom element", async () => {
    // Lit's development build says so once; nothing else may.
    const others = (problems) => problems.filter((problem) => !/^warn: Lit is in dev mode\./.test(problem));
    await serve(build('dist-dev', { development: true }), async ({ problems }) => {
      assert.deepEqual(others(problems), []);
    });
    // The check has teeth: without isCustomElement, Vue's development build warns.
    writeFileSync(join(dir, 'vite.config.plain.js'), "import { defineConfig } from 'vite';\nimport vue from '@vitejs/plugin-vue';\n\nexport default defineConfig({ plugins: [vue()] });\n");
    await serve(build('dist-plain', { development: true, config: 'vite.config.plain.js' }), async ({ problems }) => {
      assert.match(others(problems).join('\n'), /Failed to resolve component: alipayhk-checkout/);
    });
  });
});
