// Proof that the package drops in (issue 6): `npm pack`, then the tarball installed into fresh
// projects outside this repository (test/drop-in/*: a plain HTML page with the script tag, a
// Vite + React app with the React wrapper, a Vite + TypeScript app type-checked under `strict`),
// each built with its own tools and paid through in headless Chromium against the sandbox.
// Installs use the npm cache first; the versions are those of this repository's lock file.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preview } from 'vite';
import { startDemoMerchant } from '../../demo/merchant.mjs';
import { launchChromium } from './chromium.mjs';
import { packTarball, root, run } from './drop-in-project.mjs';
import { freePort } from './free-port.mjs';

const templates = join(root, 'test/drop-in');
const installedVersion = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

let work;
let tarball;
let browser;

const npm = (args, cwd) => run('npm', args, cwd);

before(async () => {
  ({ work, tarball } = packTarball('alipayhk-drop-in-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Copies a template to a fresh folder and installs the tarball and `devDependencies` (pinned to ours). */
function project(name, devDependencies = []) {
  const dir = join(work, name);
  cpSync(join(templates, name), dir, { recursive: true });
  const pkg = {
    name: `drop-in-${name}`,
    private: true,
    type: 'module',
    dependencies: { 'alipayhk-checkout': `file:${tarball}` },
    devDependencies: Object.fromEntries(devDependencies.map((dep) => [dep, installedVersion(dep)])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const { stdout, stderr } = npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
  for (const dep of ['alipayhk-checkout', ...devDependencies]) {
    assert.ok(existsSync(join(dir, 'node_modules', dep, 'package.json')), `npm install left out ${dep}:\n${stdout}\n${stderr}`);
  }
  return dir;
}

/**
 * Serves `dir` as static files (Vite's preview server: no transforms) with the demo's merchant
 * backend and sandboxes beside it, opens the page, pays from the "phone" and waits for the result.
 */
async function payThrough(dir) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const merchant = await startDemoMerchant({ origin, logger: { warn() {}, error: console.error } });
  const server = await preview({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: '.' },
    preview: { host: '127.0.0.1', port, strictPort: true },
    plugins: [{ name: 'merchant', configurePreviewServer: (s) => void s.middlewares.use(merchant.handler) }],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('alipayhk-ready', (event) => (window.__session = event.detail.session));
  });
  try {
    await page.goto(`${origin}/`);
    // Checkout.com's page shows the QR on a desktop: the element offers the button that goes there
    // (or, where a page forces the QR flow, a QR of that page).
    const shown = `document.querySelector('alipayhk-checkout')?.shadowRoot?.querySelector('button[part=button], svg[part=qr] path')`;
    await page.waitForFunction(shown, { polling: 50, timeout: 20_000 });
    const session = await page.evaluate(() => window.__session);
    assert.equal(session.push, 'sse');
    // The shopper scans the code on that page and approves in the wallet.
    const approved = await fetch((session.qrCode ?? session.redirectUrl).replace(/\/?$/, '/approve'), { method: 'POST', redirect: 'manual' });
    assert.equal(approved.status, 303);
    await page.waitForFunction(`document.getElementById('result').textContent !== ''`, { polling: 50, timeout: 20_000 });
    assert.equal(await page.$eval('#result', (el) => el.textContent), 'paid: succeeded');
    assert.deepEqual(errors, []);
    const payments = merchant.sandboxes['checkout-com'].payments();
    assert.equal(payments.length, 1, 'one payment at the provider');
  } finally {
    await page.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
    await merchant.close();
  }
}

describe('the packed tarball in fresh projects', { timeout: 300_000 }, () => {
  it('a plain HTML page with the script tag, no build', async () => {
    const dir = project('script-tag');
    await payThrough(dir);
  });

  it('a Vite + React app with alipayhk-checkout/react', async () => {
    const dir = project('vite-react', ['vite', '@vitejs/plugin-react', 'react', 'react-dom']);
    npm(['exec', '--', 'vite', 'build', '--logLevel', 'warn'], dir);
    await payThrough(join(dir, 'dist'));
  });

  it('a Vite + TypeScript app, type-checked under strict, properties and events included', async () => {
    const dir = project('vite-ts', ['vite', 'typescript']);
    npm(['exec', '--', 'tsc', '-p', '.'], dir);
    // The check has teeth: a wrong event detail fails it.
    writeFileSync(join(dir, 'src/wrong.ts'), "document.querySelector('alipayhk-checkout')!.addEventListener('alipayhk-failure', (e) => e.detail.result.status);\nexport {};\n");
    assert.throws(() => npm(['exec', '--', 'tsc', '-p', '.'], dir), (error) => /wrong\.ts.*Property 'result' does not exist/s.test(error.stdout));
    rmSync(join(dir, 'src/wrong.ts'));
    npm(['exec', '--', 'vite', 'build', '--logLevel', 'warn'], dir);
    await payThrough(join(dir, 'dist'));
  });
});
