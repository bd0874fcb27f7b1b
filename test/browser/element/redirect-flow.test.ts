import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, shadow, text, waitForEvent } from '../helpers.js';

describe('SPEC §2, §6 redirect flow', () => {
  afterEach(clearResumeStorage);

  it('shows Pay with AlipayHK; the click fires a cancelable alipayhk-redirect and then "Confirming your payment…"', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-ready');
    expect(events.of('alipayhk-ready')[0].detail.flow).to.equal('redirect');
    await expect(el).to.be.accessible();
    expect(events.of('alipayhk-redirect')).to.have.length(0);

    shadow(el).querySelector<HTMLButtonElement>('button[part="button"]')!.click();
    const [redirect] = events.of('alipayhk-redirect');
    expect(redirect.cancelable).to.equal(true);
    expect(redirect.defaultPrevented, 'the test prevented it, so the page did not navigate').to.equal(true);
    expect(redirect.detail.url).to.equal(`https://wallet.example/pay/${s.id}`);
    await el.updateComplete;
    expect(text(el)).to.contain('Confirming your payment…');
    expect(el.status).to.equal('pending');
    await expect(el).to.be.accessible();
  });

  it('polls from the moment the session is shown, before any click', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-success');
    expect(events.of('alipayhk-redirect')).to.have.length(0);
  });

  it('auto-redirect navigates at once, without the button', async () => {
    const s = await scenario();
    const { events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' }, { 'auto-redirect': '' });
    await waitForEvent(events, 'alipayhk-redirect');
    expect(events.of('alipayhk-redirect')).to.have.length(1);
  });

  it('a session with only an https qrCode redirects to it', async () => {
    const s = await scenario({ create: [{ status: 201, session: { redirectUrl: null } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-ready');
    shadow(el).querySelector<HTMLButtonElement>('button')!.click();
    expect(events.of('alipayhk-redirect')[0].detail.url).to.equal(`https://qr.alipay.com/bax0${s.id}`);
  });

  it('a session with only a non-URL qrCode falls back to the QR', async () => {
    const s = await scenario({ create: [{ status: 201, session: { redirectUrl: null, qrCode: 'ALIPAYHK-0001' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(events, 'alipayhk-ready');
    expect(events.of('alipayhk-ready')[0].detail.flow).to.equal('qr');
    expect(shadow(el).querySelector('button')).to.equal(null);
  });
});
