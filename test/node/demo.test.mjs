// `npm start` really takes a payment: the demo server, both demo pages (npm import and the
// built script-tag bundle) and the wallet page, driven in headless Chromium.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { chromePath } from '../../scripts/chrome-path.mjs';

const root = new URL('../..', import.meta.url).pathname;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let demo;
let browser;
let origin;

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  demo = spawn(process.execPath, ['demo/serve.mjs'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    demo.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Press Ctrl-C')) resolve();
    });
    demo.once('exit', (code) => reject(new Error(`demo server exited with ${code}: ${out}`)));
  });
  browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  demo?.kill('SIGINT');
});

const shadowHas = (selector) => `document.querySelector('alipayhk-checkout')?.shadowRoot?.querySelector(${JSON.stringify(selector)})`;
const logHas = (text) => `document.querySelector('#log')?.textContent.includes(${JSON.stringify(text)})`;

// Poll on a timer: the default polls on animation frames, which a background tab never gets.
const waitFor = (page, expression) => page.waitForFunction(expression, { polling: 50, timeout: 15_000 });

async function approveInWallet(walletUrl) {
  const wallet = await browser.newPage();
  await wallet.goto(walletUrl);
  await waitFor(wallet, `document.querySelector('#summary').textContent.includes('HK$123.45')`);
  await wallet.click('button[data-action=approve]');
  await waitFor(wallet, `document.querySelector('#result').textContent === 'Payment succeeded.'`);
  await wallet.close();
}

for (const [name, path, text] of [
  ['npm import', '/demo/', 'Scan with the AlipayHK app'],
  ['script tag (built bundle)', '/demo/script-tag.html', '請使用 AlipayHK 應用程式掃描'],
]) {
  describe(`demo, ${name}: desktop QR flow`, () => {
    it('shows a QR, and approving in the wallet page ends in alipayhk-success', async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error));
      await page.goto(origin + path);
      await waitFor(page, shadowHas('svg[part=qr] path'));
      const shown = await page.evaluate(`document.querySelector('alipayhk-checkout').shadowRoot.textContent`);
      assert.ok(shown.includes(text), shown);
      const walletUrl = await page.$eval('#wallet-link', (a) => a.href);
      await approveInWallet(walletUrl);
      // The shopper switches back to the shop's tab: it is visible again and checks at once.
      await page.bringToFront();
      await waitFor(page, logHas('alipayhk-success'));
      const log = await page.$eval('#log', (el) => el.textContent);
      assert.ok(log.includes('alipayhk-ready'), 'the page saw every event, from the first');
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
}

describe('demo, npm import: phone redirect flow', () => {
  it('goes to the wallet page, comes back after Approve, and confirms the same session', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/demo/`);
    await waitFor(page, logHas('alipayhk-ready'));
    await page.click('input[name=flow][value=redirect]');
    await waitFor(page, shadowHas('button[part=button]'));
    await Promise.all([page.waitForNavigation(), page.evaluate(`${shadowHas('button[part=button]')}.click()`)]);
    assert.match(page.url(), /\/demo\/wallet\.html\?session=cs_[0-9a-f]+&return=1$/);
    const walletSession = new URL(page.url()).searchParams.get('session');
    await Promise.all([page.waitForNavigation(), page.click('button[data-action=approve]')]);
    assert.equal(new URL(page.url()).pathname, '/demo/');
    await waitFor(page, logHas('alipayhk-success'));
    const log = await page.$eval('#log', (el) => el.textContent);
    assert.ok(log.includes(walletSession), 'the success is for the session paid in the wallet');
    assert.ok(!log.includes('"status":"creating"'), 'no second session was created on return');
    await page.close();
  });
});
