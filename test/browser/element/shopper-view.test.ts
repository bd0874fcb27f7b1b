// What the shopper sees and hears (SPEC §2, issue 13): the brand, the merchant and the order, a
// spinner while waiting on the network, marks for the outcome, the reason for a failure in their
// language, the countdown for screen readers, "Pay with another phone", and redirects from an iframe.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { AlipayHKCheckout } from '../../../src/alipayhk-checkout.js';
import { clearResumeStorage, mount, record, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

const part = (el: HTMLElement, name: string) => shadow(el).querySelector(`[part~="${name}"]`);

describe('issue 13: states that look finished', () => {
  afterEach(clearResumeStorage);

  it('shows the brand, the merchant, the amount and the order reference', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Order ORDER-'), 'the order reference');
    expect(part(el, 'brand')!.textContent).to.equal('AlipayHK');
    expect(part(el, 'merchant')!.textContent).to.equal('Test Shop');
    expect(part(el, 'amount')!.textContent).to.equal('HK$123.45');
    expect(part(el, 'reference')!.textContent).to.equal(`Order ORDER-${s.id}`);
    // Light unless the page asks for theme="auto" (dark mode: media.test.ts, Chromium).
    expect(getComputedStyle(part(el, 'base')!).backgroundColor).to.equal('rgb(255, 255, 255)');
  });

  it('holds on a 280 px wide phone: nothing wider than the screen, with a long merchant name', async () => {
    const s = await scenario({ create: [{ status: 201, session: { flow: 'redirect', merchantName: 'Hong Kong Milk Tea and Egg Tart Company Limited (Causeway Bay Branch)' } }] });
    const { el, container } = await mount({ sessionUrl: s.sessionUrl });
    container.style.width = '280px';
    await until(() => text(el).includes('Pay with another phone'), 'the redirect view');
    const base = part(el, 'base')!;
    expect(base.scrollWidth, 'no horizontal overflow').to.be.at.most(280);
    for (const button of shadow(el).querySelectorAll('button')) {
      expect(button.getBoundingClientRect().right, button.textContent!).to.be.at.most(container.getBoundingClientRect().right + 0.5);
      expect(button.getBoundingClientRect().height, 'a 44 px touch target').to.be.at.least(44);
    }
  });

  it('the brand slot takes the logo the merchant got from Alipay+', async () => {
    const el = await fixture<AlipayHKCheckout>(html`<alipayhk-checkout><img slot="brand" alt="AlipayHK" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></alipayhk-checkout>`);
    const slot = shadow(el).querySelector<HTMLSlotElement>('slot[name="brand"]')!;
    expect(slot.assignedElements().map((e) => e.getAttribute('alt'))).to.deep.equal(['AlipayHK']);
  });

  it('a redirect asks "Pay HK$123.45 with AlipayHK" instead of saying it is waiting', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Pay HK$123.45 with AlipayHK'), 'the pay button');
    expect(text(el)).not.to.contain('Waiting');
    const button = part(el, 'button')!;
    expect(button.getBoundingClientRect().height, 'a 44 px touch target').to.be.at.least(44);
  });

  it('success and failure carry a mark; the failure says why in the shopper language', async () => {
    const ok = await scenario({ status: [{ body: { status: 'succeeded' } }] });
    const { el: paid, events: paidEvents } = await mount({ sessionUrl: ok.sessionUrl });
    await waitForEvent(paidEvents, 'alipayhk-success');
    await paid.updateComplete;
    expect(part(paid, 'mark'), 'a success mark').to.not.equal(null);

    const declined = await scenario({ status: [{ body: { status: 'failed', failureCode: 'USER_BALANCE_NOT_ENOUGH', failureMessage: 'balance not enough' } }] });
    const { el, events } = await mount({ sessionUrl: declined.sessionUrl }, { locale: 'zh-HK' });
    await waitForEvent(events, 'alipayhk-failure');
    await until(() => text(el).includes('你的 AlipayHK 帳戶餘額不足。'), 'the reason in zh-HK');
    expect(text(el)).not.to.contain('balance not enough');
    expect(part(el, 'mark'), 'a failure mark').to.not.equal(null);
    // The outcome in its colour: the error colour here, the success colour for a success.
    expect(getComputedStyle(part(el, 'mark')!).backgroundColor).to.equal('rgb(179, 38, 30)');
    expect(getComputedStyle(part(el, 'message')!).color).to.equal('rgb(179, 38, 30)');
    expect(getComputedStyle(part(paid, 'mark')!).backgroundColor).to.equal('rgb(20, 108, 46)');
    expect(getComputedStyle(part(paid, 'message')!).color).to.equal('rgb(20, 108, 46)');
    expect(events.of('alipayhk-failure')[0].detail).to.include({ code: 'USER_BALANCE_NOT_ENOUGH', message: 'balance not enough' });
  });

  it('a failureCode the element does not know shows the server message', async () => {
    const s = await scenario({ status: [{ body: { status: 'failed', failureCode: 'xyz_42', failureMessage: 'Ask the shop' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { locale: 'zh-CN' });
    await waitForEvent(events, 'alipayhk-failure');
    await until(() => text(el).includes('Ask the shop'), 'the server message');
    await until(() => text(el).includes('付款失败'), 'the state in zh-CN');
  });
});

describe('issue 13: what an error and an expiry say', () => {
  afterEach(clearResumeStorage);

  it("an error shows the shopper no developer's message (that is in alipayhk-error)", async () => {
    const s = await scenario({ create: [{ status: 400, body: { code: 'bad_request', message: 'Order A-1001 is already paid' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { locale: 'zh-HK' });
    await waitForEvent(events, 'alipayhk-error');
    await until(() => text(el).includes('發生錯誤'), 'the error in zh-HK');
    expect(text(el)).not.to.contain('Creating the session failed');
    expect(text(el)).not.to.contain('already paid');
    expect(events.of('alipayhk-error')[0].detail.message).to.contain('Order A-1001 is already paid');
  });

  it('a redirect that expires speaks of the payment, a QR of its code', async () => {
    const phone = await scenario({ create: [{ status: 201, session: { flow: 'redirect', expiresInMs: 300 } }], status: [{ body: { status: 'pending' } }] });
    const { el, events } = await mount({ sessionUrl: phone.sessionUrl });
    await waitForEvent(events, 'alipayhk-expired');
    await until(() => text(el).includes('This payment request has expired'), 'the expiry of a redirect');
    expect(text(el)).to.contain('Try again');
    expect(text(el)).not.to.contain('code');

    const desktop = await scenario({ create: [{ status: 201, session: { flow: 'qr', expiresInMs: 300 } }], status: [{ body: { status: 'pending' } }] });
    const { el: qr, events: qrEvents } = await mount({ sessionUrl: desktop.sessionUrl });
    await waitForEvent(qrEvents, 'alipayhk-expired');
    await until(() => text(qr).includes('This code has expired') && text(qr).includes('Get a new code'), 'the expiry of a code');
  });
});

describe('SPEC §2 the countdown for screen readers', () => {
  afterEach(clearResumeStorage);

  it('is a role="timer", announced in its own polite region at the cadence, not every second', async () => {
    const s = await scenario({ create: [{ status: 201, session: { expiresInMs: 4 * 60_000 + 10_000 } }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    await until(() => !!part(el, 'countdown'), 'the countdown');
    const timer = part(el, 'countdown')!;
    expect(timer.getAttribute('role')).to.equal('timer');
    // 4:10 left: the polite region says 5:00 (every minute from 5 minutes), the timer the second.
    const region = shadow(el).querySelector('.sr[aria-live="polite"]')!;
    expect(region.textContent).to.equal('Code expires in 5:00');
    expect(timer.textContent).to.match(/Code expires in 4:(0\d|10)/);
    // The state's own live region is another element.
    expect(part(el, 'message')!.getAttribute('role')).to.equal('status');
  });

  it('the QR label names the amount and the merchant', async () => {
    const s = await scenario();
    const { el } = await mount({ sessionUrl: s.sessionUrl, flow: 'qr' }, { locale: 'zh-HK' });
    await until(() => !!part(el, 'qr') && text(el).includes('請使用'), 'the QR in zh-HK');
    expect(part(el, 'qr')!.getAttribute('aria-label')).to.equal('向Test Shop以 AlipayHK 支付 HK$123.45 的二維碼');
  });
});

describe('SPEC §2 "Pay with another phone"', () => {
  afterEach(clearResumeStorage);

  it('cancels the pending session through its cancelUrl, then creates a QR session for a desktop', async () => {
    const s = await scenario({ create: [{ status: 201, session: { flow: 'redirect' } }, { status: 201, session: { flow: 'qr', id: 'cs_second' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await until(() => text(el).includes('Pay with another phone'), 'the offer');
    [...shadow(el).querySelectorAll('button')].find((b) => b.textContent === 'Pay with another phone')!.click();
    await waitForEvent(events, 'alipayhk-ready', 2);
    const requests = await s.requests();
    const order = requests.filter((r) => r.route !== 'status').map((r) => r.route);
    expect(order).to.deep.equal(['create', 'cancel', 'create']);
    const second = requests.filter((r) => r.route === 'create')[1];
    expect(second.body.environment).to.include({ deviceType: 'desktop', terminalType: 'WEB', flow: 'qr' });
    expect(second.headers['idempotency-key']).to.not.equal(requests[0].headers['idempotency-key']);
    await until(() => !!part(el, 'qr'), 'the QR for the other phone');
    // Replacing the session is not an outcome: no terminal event for the first one.
    expect(events.of('alipayhk-cancel')).to.have.length(0);
  });

  it('is not offered when the page forces the redirect flow', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Pay HK$123.45'), 'the pay button');
    expect(text(el)).not.to.contain('another phone');
  });
});

describe('SPEC §5 inside an iframe', () => {
  it('the redirect targets the top-level page', async () => {
    const s = await scenario({ create: [{ status: 201, session: { flow: 'redirect' } }] });
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src="/test/fixtures/element-frame.html"></iframe>`);
    await until(() => !!frame.contentWindow?.customElements?.get('alipayhk-checkout'), 'the element in the frame', 15_000);
    const doc = frame.contentDocument!;
    const el = doc.createElement('alipayhk-checkout') as AlipayHKCheckout;
    const events = record(doc.body);
    doc.body.addEventListener('alipayhk-redirect', (e) => e.preventDefault());
    el.sessionUrl = s.sessionUrl;
    el.setAttribute('auto-redirect', '');
    doc.body.append(el);
    await until(() => text(el).includes('Pay HK$123.45'), 'the pay button (no automatic redirect in a frame)');
    expect(events.of('alipayhk-redirect'), 'a frame navigates the top only from a click').to.have.length(0);
    shadow(el).querySelector<HTMLButtonElement>('button[part="button"]')!.click();
    expect(events.of('alipayhk-redirect')[0].detail.target).to.equal('top');
  });
});
