// SPEC §5: on a desktop, a session whose only URL is the provider's own QR page (Checkout.com
// WEB, Omise, NomuPay, Worldpay) opens that page in a popup from the shopper's click; the element
// keeps checking, can bring the window back, and closes it on the outcome. Popups are opened by a
// real click (sendMouse), as a shopper would: WebKit blocks them otherwise.
import { expect } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';
import type { AlipayHKCheckout } from '../../../src/alipayhk-checkout.js';

const PROVIDER_PAGE = new URL('/test/fixtures/popup-provider.html', location.href).href;

/**
 * Clicks the centre of the element's first button whose text contains `label`, with a real mouse,
 * once the popup's chunk has run: a click before it would take the provider's page into this tab
 * (the element's fallback). The element asked for the chunk when it showed the session, so this
 * import of the same module settles after the element's.
 */
async function clickButton(el: AlipayHKCheckout, label: string): Promise<void> {
  await import('../../../src/controllers/popup-controller.js');
  const button = [...shadow(el).querySelectorAll('button')].find((b) => b.textContent?.includes(label));
  if (!button) throw new Error(`no button "${label}" in: ${text(el)}`);
  button.scrollIntoView();
  const box = button.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)] });
}

/** Watches window.open (calling through to it) so that the test can see the popup the element opened. */
function watchWindowOpen(): { opened: Array<Window | null>; restore(): void } {
  const original = window.open;
  const opened: Array<Window | null> = [];
  window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
    const popup = original.apply(this, args);
    opened.push(popup);
    return popup;
  } as typeof window.open;
  return { opened, restore: () => void (window.open = original) };
}

describe('SPEC §5 a provider QR page opens in a popup', () => {
  let watch: ReturnType<typeof watchWindowOpen>;
  beforeEach(() => (watch = watchWindowOpen()));
  afterEach(async () => {
    watch.restore();
    for (const popup of watch.opened) popup?.close();
    clearResumeStorage();
    await resetMouse();
  });

  it('asks first, opens the page from the click without an opener, keeps checking and closes it on success', async () => {
    const s = await scenario({ create: [{ status: 201, session: { qrCode: null, redirectUrl: PROVIDER_PAGE } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'qr' });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Pay HK$123.45 with AlipayHK'), 'the pay button');
    expect(shadow(el).querySelector('svg[part="qr"]') === null, 'the page URL is never drawn as a QR of ours').to.equal(true);
    await expect(el).to.be.accessible();

    await clickButton(el, 'Pay HK$123.45');
    await waitForEvent(events, 'alipayhk-redirect');
    expect(events.of('alipayhk-redirect')[0].detail).to.deep.equal({ url: PROVIDER_PAGE, target: 'popup' });
    await until(() => text(el).includes('Complete the payment in the AlipayHK window'), 'the waiting view');
    const popup = watch.opened[0]!;
    expect(!!popup, 'a popup opened').to.equal(true);
    await until(() => { try { return popup.location.href === PROVIDER_PAGE; } catch { return false; } }, 'the provider page loaded', 5000);
    expect(popup.opener === null, 'the popup has no handle on the merchant page').to.equal(true);
    expect(text(el)).to.contain('Show the AlipayHK window');
    expect(el.status).to.equal('pending');

    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    await waitForEvent(events, 'alipayhk-success');
    await until(() => popup.closed, 'the popup closed on the outcome');
    expect(text(el)).to.contain('Payment successful');
  });

  it('a blocked popup falls back to the provider page in this tab', async () => {
    watch.restore();
    const original = window.open;
    let asked = 0;
    window.open = (() => (asked++, null)) as typeof window.open; // what a popup blocker answers
    try {
      const s = await scenario({ create: [{ status: 201, session: { qrCode: null, redirectUrl: PROVIDER_PAGE } }] });
      const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'qr' });
      await until(() => text(el).includes('Pay HK$123.45 with AlipayHK'), 'the pay button');
      await clickButton(el, 'Pay HK$123.45');
      await waitForEvent(events, 'alipayhk-redirect', 2);
      expect(events.of('alipayhk-redirect').map((e) => e.detail.target)).to.deep.equal(['popup', 'self']);
      expect(asked, 'the popup was asked for, and refused').to.equal(1);
      expect(events.of('alipayhk-redirect')[1].defaultPrevented, 'the test page stays').to.equal(true);
      await until(() => text(el).includes('Confirming your payment'), 'confirming');
    } finally {
      window.open = original;
    }
  });

  it('a page that prevents the popup event opens nothing', async () => {
    const s = await scenario({ create: [{ status: 201, session: { qrCode: null, redirectUrl: PROVIDER_PAGE } }] });
    const { el, events, container } = await mount({ sessionUrl: s.sessionUrl, flow: 'qr' });
    container.addEventListener('alipayhk-redirect', (e) => e.preventDefault());
    await until(() => text(el).includes('Pay HK$123.45 with AlipayHK'), 'the pay button');
    await clickButton(el, 'Pay HK$123.45');
    await waitForEvent(events, 'alipayhk-redirect');
    expect(watch.opened).to.have.length(0);
    expect(text(el)).to.contain('Pay HK$123.45 with AlipayHK');
  });
});
