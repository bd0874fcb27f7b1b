// The provider's hosted QR page in a popup (SPEC §5), through PopupController on a bare Lit host.
// Chromium and Firefox, as launched for the tests, let any script open a popup (the automation
// turns the blocker off); WebKit blocks one without user activation. Every popup here is
// therefore opened inside a real click (sendMouse), and the blocked path is tested where the
// engine blocks, and with a stubbed window.open everywhere.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { PopupController } from '../../src/controllers/popup-controller.js';

class PopupTestHost extends LitElement {
  closedCalls = 0;
  popup = new PopupController(this, { onClosed: () => this.closedCalls++ });
  override render() {
    return html`<p>${this.popup.isOpen ? 'Complete the payment in the AlipayHK window' : 'Pay with AlipayHK'}</p>`;
  }
}
customElements.define('popup-test-host', PopupTestHost);

const PROVIDER = '/test/fixtures/popup-provider.html';
/** waitUntil's default is 1 s; a popup loads a page, and its closing is seen on a 500 ms poll. */
const SLOW = { timeout: 5000 };

/** Runs `action` in the handler of a real click, that is with user activation. */
async function fromClick<T>(action: () => T): Promise<T> {
  const button = document.createElement('button');
  button.textContent = 'Pay with AlipayHK';
  button.style.cssText = 'position:fixed;left:0;top:0;width:160px;height:40px;z-index:2147483647';
  let result: { value: T; activated?: boolean } | undefined;
  button.addEventListener('click', () => {
    const activated = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation?.isActive;
    result = { value: action(), activated };
  });
  document.body.append(button);
  try {
    await sendMouse({ type: 'click', position: [80, 20] });
    await waitUntil(() => result, 'the click reached the button', SLOW);
    expect(result!.activated, 'a real click activates the page').to.not.equal(false);
    return result!.value;
  } finally {
    button.remove();
  }
}

const text = (el: PopupTestHost) => el.shadowRoot!.textContent!.trim();

describe('SPEC §5 the popup for a hosted QR page', () => {
  const realOpen = window.open;
  let calls: { features?: string; popup: Window | null }[];
  let el: PopupTestHost;

  beforeEach(async () => {
    calls = [];
    window.open = function (this: Window, ...args: Parameters<Window['open']>) {
      const popup = realOpen.apply(this, args);
      calls.push({ features: args[2], popup });
      return popup;
    };
    el = await fixture(html`<popup-test-host></popup-test-host>`);
  });

  afterEach(async () => {
    window.open = realOpen;
    for (const { popup } of calls) popup?.close();
    await resetMouse();
  });

  const loaded = (popup: Window, path = PROVIDER) =>
    waitUntil(() => popup.location.pathname === path && popup.document.readyState === 'complete', 'the provider page loaded', SLOW);

  it('opens the provider page from the click, in a centred 480×720 popup that has no opener', async () => {
    expect(await fromClick(() => el.popup.open(PROVIDER))).to.equal(true);
    expect(el.popup.isOpen).to.equal(true);
    await el.updateComplete;
    expect(text(el)).to.equal('Complete the payment in the AlipayHK window');

    const [{ features, popup }] = calls;
    const left = Math.round(screenX + (outerWidth - 480) / 2);
    const top = Math.round(screenY + (outerHeight - 720) / 2);
    expect(features).to.equal(`popup=yes,width=480,height=720,left=${left},top=${top}`);
    await loaded(popup!);
    expect(popup!.location.href).to.equal(new URL(PROVIDER, location.href).href);
    // Booleans: chai printing a Window in a failure message never ends.
    expect(popup!.opener === null, 'the popup has no handle on the page').to.equal(true);
    expect((popup as Window & { openerAtLoad: unknown }).openerAtLoad === null, 'not even while it loaded').to.equal(true);
    expect(popup!.history.length, 'about:blank was replaced, not kept in its history').to.equal(1);
  });

  it('focus() brings it back while open; close() closes it; then focus() is false', async () => {
    await fromClick(() => el.popup.open(PROVIDER));
    const popup = calls[0].popup!;
    await loaded(popup);
    expect(el.popup.focus()).to.equal(true);

    el.popup.close();
    await waitUntil(() => popup.closed, 'the popup closed', SLOW);
    expect(el.popup.isOpen).to.equal(false);
    expect(el.popup.focus()).to.equal(false);
    expect(el.closedCalls, 'onClosed is for the popup closing by itself').to.equal(0);
  });

  it('a popup on another origin that will not close yet is closed once it comes back to this origin', async () => {
    // The provider's page is another origin (localhost against 127.0.0.1). Without an opener this
    // page is not "familiar with" it, and engines may refuse close() until the provider sends the
    // shopper back to the shop's return page.
    const back = new URL('/test/fixtures/popup-provider.html?returned', location.href).href;
    const provider = `http://localhost:${location.port}/test/fixtures/popup-provider.html#return=${encodeURIComponent(back)}`;
    await fromClick(() => el.popup.open(provider));
    const popup = calls[0].popup!;
    await waitUntil(() => { try { popup.document; return false; } catch { return true; } }, 'the other origin loaded', SLOW);
    el.popup.close();
    // Told to leave (as a provider does after the payment), it comes back here, and goes.
    popup.postMessage('return', '*');
    await waitUntil(() => popup.closed, 'the popup closed after coming back', SLOW);
    expect(el.popup.isOpen).to.equal(false);
    expect(el.closedCalls, 'closed by us, not by the shopper').to.equal(0);
  });

  it('a popup closing by itself is noticed: onClosed, and the host re-renders', async () => {
    await fromClick(() => el.popup.open(`${PROVIDER}#close`));
    await el.updateComplete;
    expect(text(el)).to.equal('Complete the payment in the AlipayHK window');
    await waitUntil(() => el.closedCalls === 1, 'onClosed was called', SLOW);
    expect(el.popup.isOpen).to.equal(false);
    expect(el.popup.focus()).to.equal(false);
    await el.updateComplete;
    expect(text(el)).to.equal('Pay with AlipayHK');
  });

  it('the shopper closing it is noticed the same way', async () => {
    await fromClick(() => el.popup.open(PROVIDER));
    const popup = calls[0].popup!;
    await loaded(popup);
    popup.close();
    await waitUntil(() => el.closedCalls === 1, 'onClosed was called', SLOW);
    expect(el.popup.isOpen).to.equal(false);
  });

  it('leaving the DOM keeps the popup open; back in the DOM the watch resumes', async () => {
    await fromClick(() => el.popup.open(PROVIDER));
    const popup = calls[0].popup!;
    await loaded(popup);
    const parent = el.parentNode!;
    el.remove();
    expect(popup.closed).to.equal(false);
    expect(el.popup.isOpen).to.equal(true);

    parent.append(el);
    popup.close();
    await waitUntil(() => el.closedCalls === 1, 'onClosed was called after the move', SLOW);
  });

  it('opening again replaces the previous popup', async () => {
    await fromClick(() => el.popup.open(PROVIDER));
    await fromClick(() => el.popup.open(PROVIDER));
    await waitUntil(() => calls[0].popup!.closed, 'the first popup closed', SLOW);
    expect(calls[1].popup!.closed).to.equal(false);
    expect(el.popup.isOpen).to.equal(true);
    expect(el.closedCalls).to.equal(0);
  });
});

describe('SPEC §5 a blocked popup', () => {
  const realOpen = window.open;
  afterEach(() => (window.open = realOpen));

  it('window.open returning null or throwing makes open() false, and nothing is open', async () => {
    const el: PopupTestHost = await fixture(html`<popup-test-host></popup-test-host>`);
    window.open = () => null;
    expect(el.popup.open(PROVIDER)).to.equal(false);
    window.open = () => {
      throw new DOMException('blocked', 'InvalidAccessError');
    };
    expect(el.popup.open(PROVIDER)).to.equal(false);
    expect(el.popup.isOpen).to.equal(false);
    expect(el.popup.focus()).to.equal(false);
  });

  it('a URL the popup cannot load closes it again and makes open() false', async () => {
    const el: PopupTestHost = await fixture(html`<popup-test-host></popup-test-host>`);
    let popup: Window | null = null;
    window.open = (...args) => (popup = realOpen.apply(window, args));
    expect(await fromClick(() => el.popup.open('http://['))).to.equal(false);
    expect(popup !== null, 'the popup was opened first').to.equal(true);
    await waitUntil(() => popup!.closed, 'and closed again', SLOW);
    await resetMouse();
  });

  it('without user activation open() says what the engine did: false where it blocks (WebKit here), true where automation lets scripts open popups (Chromium, Firefox)', async () => {
    const el: PopupTestHost = await fixture(html`<popup-test-host></popup-test-host>`);
    let popup: Window | null = null;
    window.open = (...args) => (popup = realOpen.apply(window, args));
    const opened = el.popup.open(PROVIDER);
    expect(opened).to.equal(popup !== null);
    expect(el.popup.isOpen).to.equal(opened);
    el.popup.close();
    expect(el.popup.isOpen).to.equal(false);
  });
});
