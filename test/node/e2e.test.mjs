// A whole payment on one machine, as `npm start` runs it: the demo shop (npm-import and
// script-tag pages), the merchant backend and a sandbox of each provider, driven in headless
// Chromium. Shoppers pay on the sandbox's wallet page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KnownDevices } from 'puppeteer-core';
import { launchChromium } from './chromium.mjs';
import { startDemo } from '../../demo/server.mjs';
import { freePort } from './free-port.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo({ port: await freePort(), logger: { warn() {}, error: console.error } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

// Poll on a timer: the default polls on animation frames, which a background tab never gets.
const waitFor = (page, expression) => page.waitForFunction(expression, { polling: 50, timeout: 15_000 });
/** Waits for a condition on this side (the shop's server), up to 15 s. */
async function waitUntil(condition) {
  for (const deadline = Date.now() + 15_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in 15 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
  assert.equal(result, { approve: 'Payment approved', decline: 'Payment declined', expire: 'Payment expired' }[button]);
  await phone.close();
}

async function readySession(page) {
  await waitFor(page, hasEvent('alipayhk-ready'));
  return (await events(page)).find((e) => e.type === 'alipayhk-ready').detail.session;
}

const PROVIDERS = ['checkout-com', 'omise', 'nomupay', 'uqpay', 'worldpay'];

/**
 * Pays the session shown on `page` with the wallet's `button`: on the QR flow from a second
 * device; on a desktop whose provider shows the QR on its own page, in the popup the pay button
 * opens (the sandbox's page has the wallet's buttons beside its QR); on a phone by leaving for
 * the wallet page in this tab and coming back.
 */
async function pay(page, session, button) {
  const { flow } = (await events(page)).find((e) => e.type === 'alipayhk-ready').detail;
  if (flow === 'qr' && !session.qrCode) {
    const pressed = 'alipayhk-checkout >>> button[part=button]';
    await page.waitForSelector(pressed);
    // The popup's chunk, fetched with the create request, has run: a click before it would take
    // the provider's page into this tab (the element's fallback), and no popup would come. Its
    // import here settles after the element's, which asked for it first.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => entry.name.includes('/popup-controller')), { polling: 50, timeout: 15_000 });
    await page.evaluate(async () => void (await import(performance.getEntriesByType('resource').find((entry) => entry.name.includes('/popup-controller')).name)));
    const [popup] = await Promise.all([new Promise((resolve) => page.once('popup', resolve)), page.click(pressed)]);
    await popup.waitForFunction((url) => location.href === url, { polling: 50, timeout: 15_000 }, session.redirectUrl);
    assert.equal(await popup.evaluate(() => window.opener), null, 'the provider page has no handle on the shop');
    // "Complete the payment in the AlipayHK window", in whatever language the page speaks.
    await waitFor(page, inShadow('[data-view="popup-open"]'));
    await Promise.all([popup.waitForNavigation(), popup.click(`#${button}`)]);
    // The shop's element closes the popup once it has the outcome.
    await page.bringToFront();
    await waitUntil(() => popup.isClosed());
    return;
  }
  if (flow === 'qr') {
    await waitFor(page, inShadow('svg[part=qr] path'));
    await payOnPhone(session.qrCode, button);
    // The shopper looks back at the shop's tab: visible again, it checks at once.
    await page.bringToFront();
    return;
  }
  const shopPath = new URL(page.url()).pathname;
  await waitFor(page, inShadow('button[part=button]'));
  await Promise.all([page.waitForNavigation(), page.evaluate(`${inShadow('button[part=button]')}.click()`)]);
  assert.equal(page.url(), session.redirectUrl);
  await Promise.all([page.waitForNavigation(), page.click(`#${button}`)]);
  // The return page (the handler's returnUrl) sends the shopper on to the page they paid on.
  await page.waitForFunction((path) => location.pathname === path, { polling: 50, timeout: 15_000 }, shopPath);
}

async function checkout(provider, { device, path = '/demo/' } = {}) {
  const page = await shopPage({ device });
  await page.goto(`${demo.origin}${path}?device=detected&provider=${provider}`);
  return { page, session: await readySession(page) };
}

for (const provider of PROVIDERS) {
  describe(`${provider}: desktop and iPhone, approved`, () => {
    for (const device of [undefined, 'iPhone 13']) {
      it(`${device ?? 'desktop'}: success for the same session, with exactly one provider payment`, async () => {
        const sandbox = demo.sandboxes[provider];
        const before = sandbox.payments().length;
        const { page, session } = await checkout(provider, { device });
        await pay(page, session, 'approve');
        await waitFor(page, hasEvent('alipayhk-success'));
        const seen = await events(page);
        assert.deepEqual(seen.filter((e) => e.type === 'alipayhk-success').map((e) => e.detail.sessionId), [session.id]);
        assert.ok(seen.filter((e) => e.type === 'alipayhk-ready').every((e) => e.detail.session.id === session.id), 'resumed, not created again');
        assert.equal(sandbox.payments().length, before + 1);
        assert.deepEqual(page.errors, []);
        // The shop's server heard it too (onStatusChange), whatever the page said.
        await waitUntil(() => demo.statusChanges.some((c) => c.eventId === `${session.id}.succeeded`));
        await page.close();
      });
    }
  });
}

describe("the shop's back office: a paid order refunded from the demo page", () => {
  it("the Refund button refunds it all, and the shop's server hears the refund", async () => {
    const { page, session } = await checkout('checkout-com');
    await pay(page, session, 'approve');
    await waitFor(page, hasEvent('alipayhk-success'));
    await waitFor(page, `!document.querySelector('#refund-row').hidden`);
    await page.click('#refund');
    await waitFor(page, `document.querySelector('#refund-result').textContent.startsWith('Refunded')`);
    assert.match(await page.$eval('#refund-result', (el) => el.textContent), /^Refunded .*28\.00$/);
    await waitUntil(() => demo.statusChanges.some((c) => c.eventId === `${session.id}.refund.1` && c.session.refundedAmount === 2800));
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

describe('script tag (built bundle): desktop, approved', () => {
  it('succeeds', async () => {
    const { page, session } = await checkout('checkout-com', { path: '/demo/script-tag.html' });
    await pay(page, session, 'approve');
    await waitFor(page, hasEvent('alipayhk-success'));
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

describe('the device fields each provider received', () => {
  it('desktop and iPhone map to each provider\'s own fields (SPEC §7 table)', async () => {
    const request = (provider) => demo.sandboxes[provider].payments().at(-1).request;
    const fields = {};
    for (const device of [undefined, 'iPhone 13']) {
      for (const provider of PROVIDERS) {
        const { page } = await checkout(provider, { device });
        const r = request(provider);
        fields[`${provider} ${device ?? 'desktop'}`] = {
          'checkout-com': () => r.processing,
          omise: () => r['source[platform_type]'],
          nomupay: () => r.paymentMethod.alipayHk.flowType,
          uqpay: () => r.riskData.Device.os,
          worldpay: () => r.instruction.deviceData,
        }[provider]();
        await page.close();
      }
    }
    assert.deepEqual(fields, {
      'checkout-com desktop': { terminal_type: 'WEB' },
      'omise desktop': 'WEB',
      'nomupay desktop': 'qr_link',
      'uqpay desktop': 'LINUX',
      'worldpay desktop': { device: 'desktop', operatingSystem: 'linux' },
      'checkout-com iPhone 13': { terminal_type: 'WAP', os_type: 'IOS' },
      'omise iPhone 13': 'IOS',
      'nomupay iPhone 13': 'mobile_redirect',
      'uqpay iPhone 13': 'IOS',
      'worldpay iPhone 13': { device: 'mobile', operatingSystem: 'ios' },
    });
  });
});

describe('decline and expiry', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: Decline → alipayhk-failure with the provider's code`, async () => {
      const { page, session } = await checkout(provider);
      await pay(page, session, 'decline');
      await waitFor(page, hasEvent('alipayhk-failure'));
      const failure = (await events(page)).find((e) => e.type === 'alipayhk-failure');
      assert.equal(failure.detail.sessionId, session.id);
      assert.equal(failure.detail.code, { 'checkout-com': '20005', omise: 'payment_rejected', nomupay: 'declined', uqpay: 'USER_DECLINED', worldpay: 'refused' }[provider]);
      await page.close();
    });
  }

  for (const provider of PROVIDERS) {
    it(`${provider}: Expire → alipayhk-expired, then "Get a new code" makes a new payment`, async () => {
      const sandbox = demo.sandboxes[provider];
      const before = sandbox.payments().length;
      const { page, session: first } = await checkout(provider);
      await pay(page, first, 'expire');
      await waitFor(page, hasEvent('alipayhk-expired'));
      await page.evaluate(`${inShadow('button[part=button]')}.click()`);
      await waitFor(page, `window.__events.filter((e) => e.type === 'alipayhk-ready').length === 2`);
      const readies = (await events(page)).filter((e) => e.type === 'alipayhk-ready');
      assert.notEqual(readies[1].detail.session.id, first.id);
      assert.equal(sandbox.payments().length, before + 2);
      await page.close();
    });
  }
});
