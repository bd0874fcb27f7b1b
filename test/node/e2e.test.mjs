// A whole payment on one machine, as `npm start` runs it: the demo shop (npm-import and
// script-tag pages), the merchant backend and the Checkout.com sandbox, driven in headless
// Chromium. Shoppers pay on the sandbox's wallet page.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import puppeteer, { KnownDevices } from 'puppeteer-core';
import { chromePath } from '../../scripts/chrome-path.mjs';
import { startDemo } from '../../demo/server.mjs';

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

before(async () => {
  demo = await startDemo({ port: await freePort(), logger: { warn() {}, error: console.error } });
  browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

// Poll on a timer: the default polls on animation frames, which a background tab never gets.
const waitFor = (page, expression) => page.waitForFunction(expression, { polling: 50, timeout: 15_000 });

/** A shop page that records every alipayhk-* event in window.__events, from the first, across navigations. */
async function shopPage({ device } = {}) {
  const page = await browser.newPage();
  if (device) await page.emulate(KnownDevices[device]);
  await page.evaluateOnNewDocument(() => {
    window.__events = [];
    for (const name of ['ready', 'status', 'redirect', 'success', 'failure', 'expired', 'cancel', 'error']) {
      document.addEventListener(`alipayhk-${name}`, (e) => window.__events.push({ type: e.type, detail: JSON.parse(JSON.stringify(e.detail)) }));
    }
  });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.errors = errors;
  return page;
}

const events = (page) => page.evaluate(() => window.__events);
const hasEvent = (type) => `window.__events.some((e) => e.type === ${JSON.stringify(type)})`;
const inShadow = (selector) => `document.querySelector('alipayhk-checkout')?.shadowRoot?.querySelector(${JSON.stringify(selector)})`;

/** What the shopper does on their phone after scanning: open the QR's URL and press a button. */
async function payOnPhone(qrUrl, button) {
  const phone = await browser.newPage();
  await phone.emulate(KnownDevices['iPhone 13']);
  await phone.goto(qrUrl);
  await Promise.all([phone.waitForNavigation(), phone.click(`#${button}`)]);
  const result = await phone.$eval('#result', (el) => el.textContent);
  await phone.close();
  return result;
}

async function readySession(page) {
  await waitFor(page, hasEvent('alipayhk-ready'));
  return (await events(page)).find((e) => e.type === 'alipayhk-ready').detail.session;
}

describe('desktop: QR, approve on the phone, success', () => {
  for (const [name, path] of [['npm import', '/demo/'], ['script tag (built bundle)', '/demo/script-tag.html']]) {
    it(name, async () => {
      const page = await shopPage();
      await page.goto(demo.origin + path);
      const session = await readySession(page);
      await waitFor(page, inShadow('svg[part=qr] path'));
      assert.equal(await payOnPhone(session.qrCode, 'approve'), 'Payment approved');
      // The shopper looks back at the shop's tab: visible again, it checks at once.
      await page.bringToFront();
      await waitFor(page, hasEvent('alipayhk-success'));
      const success = (await events(page)).filter((e) => e.type === 'alipayhk-success');
      assert.deepEqual(success.map((e) => e.detail.sessionId), [session.id]);
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});

describe('iPhone: redirect to the wallet, approve, back to the shop', () => {
  it('succeeds for the same session, with exactly one provider payment', async () => {
    const before = demo.sandbox.payments().length;
    const page = await shopPage({ device: 'iPhone 13' });
    await page.goto(`${demo.origin}/demo/?device=desktop`);
    const session = await readySession(page);
    const [create] = demo.sandbox.payments().slice(before);
    assert.deepEqual(create.request.processing, { terminal_type: 'WAP', os_type: 'IOS' });
    await waitFor(page, inShadow('button[part=button]'));
    await Promise.all([page.waitForNavigation(), page.evaluate(`${inShadow('button[part=button]')}.click()`)]);
    assert.equal(page.url(), session.redirectUrl);
    await Promise.all([page.waitForNavigation(), page.click('#approve')]);
    assert.equal(new URL(page.url()).pathname, '/demo/');
    await waitFor(page, hasEvent('alipayhk-success'));
    const seen = await events(page);
    assert.equal(seen.find((e) => e.type === 'alipayhk-ready').detail.session.id, session.id, 'resumed, not created again');
    assert.equal(seen.find((e) => e.type === 'alipayhk-success').detail.sessionId, session.id);
    assert.equal(demo.sandbox.payments().length, before + 1);
    await page.close();
  });
});

describe('decline and expiry', () => {
  it('Decline → alipayhk-failure with the provider code', async () => {
    const page = await shopPage();
    await page.goto(`${demo.origin}/demo/?device=desktop`);
    const session = await readySession(page);
    assert.equal(await payOnPhone(session.qrCode, 'decline'), 'Payment declined');
    await page.bringToFront();
    await waitFor(page, hasEvent('alipayhk-failure'));
    const failure = (await events(page)).find((e) => e.type === 'alipayhk-failure');
    assert.deepEqual(failure.detail, { sessionId: session.id, code: '20005', message: 'Declined - Do Not Honour' });
    await page.close();
  });

  it('Expire → alipayhk-expired, then "Get a new code" makes a new payment', async () => {
    const before = demo.sandbox.payments().length;
    const page = await shopPage();
    await page.goto(`${demo.origin}/demo/?device=desktop`);
    const first = await readySession(page);
    assert.equal(await payOnPhone(first.qrCode, 'expire'), 'Payment expired');
    await page.bringToFront();
    await waitFor(page, hasEvent('alipayhk-expired'));
    await page.evaluate(`${inShadow('button[part=button]')}.click()`);
    await waitFor(page, `window.__events.filter((e) => e.type === 'alipayhk-ready').length === 2`);
    const readies = (await events(page)).filter((e) => e.type === 'alipayhk-ready');
    assert.notEqual(readies[1].detail.session.id, first.id);
    assert.equal(demo.sandbox.payments().length, before + 2);
    await page.close();
  });
});
