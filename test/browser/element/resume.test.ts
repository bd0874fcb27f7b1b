import { expect } from '@open-wc/testing';
import { resumeKey } from '../../../src/lib/resume.js';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

describe('SPEC §6a resume: a reload while pending polls the same session, no second create', () => {
  afterEach(clearResumeStorage);

  it('the same cart (its context, in any key order) resumes; another cart cancels the old session and gets its own', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl, context: { cart: 'C-1', items: 2 } });
    await waitForEvent(first.events, 'alipayhk-ready');
    first.el.remove();
    const same = await mount({ sessionUrl: s.sessionUrl, context: { items: 2, cart: 'C-1' } });
    await waitForEvent(same.events, 'alipayhk-ready');
    expect(await s.requests('create')).to.have.length(1);
    same.el.remove();
    const other = await mount({ sessionUrl: s.sessionUrl, context: { cart: 'C-1', items: 3 } });
    await waitForEvent(other.events, 'alipayhk-ready');
    await until(async () => (await s.requests('cancel')).length === 1, "the old session's cancelUrl was posted");
    const creates = await s.requests('create');
    expect(creates).to.have.length(2);
    expect(creates[1].headers['idempotency-key']).not.to.equal(creates[0].headers['idempotency-key']);
    expect(creates[1].body.context).to.deep.equal({ cart: 'C-1', items: 3 });
  });

  it('back from the wallet with another context, the session is resumed, not cancelled: the shopper may have paid', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect', context: { cart: 'C-1' } });
    await waitForEvent(first.events, 'alipayhk-ready');
    shadow(first.el).querySelector<HTMLButtonElement>('button')!.click(); // to the wallet
    first.el.remove();
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    const back = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect', context: { cart: 'C-1', emptied: true } });
    await waitForEvent(back.events, 'alipayhk-success');
    expect(await s.requests('cancel')).to.have.length(0);
    expect(await s.requests('create')).to.have.length(1);
  });

  it('a new element with the same session-url resumes the pending session', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(first.events, 'alipayhk-ready');
    const key = resumeKey(new URL(s.sessionUrl, document.baseURI).href);
    expect(JSON.parse(sessionStorage.getItem(key)!).session.id).to.equal(`cs_${s.id}`);
    first.el.remove(); // the page goes away

    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    const second = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(second.events, 'alipayhk-success');
    expect(second.events.of('alipayhk-ready')[0].detail.session.id).to.equal(`cs_${s.id}`);
    expect(await s.requests('create')).to.have.length(1);
    expect(sessionStorage.getItem(key), 'a terminal status clears the record').to.equal(null);
  });

  it('coming back from the wallet shows "Confirming your payment…" and the result', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(first.events, 'alipayhk-ready');
    shadow(first.el).querySelector<HTMLButtonElement>('button')!.click();
    expect(first.events.of('alipayhk-redirect')).to.have.length(1);
    first.el.remove(); // the shopper is in the AlipayHK app

    const second = await mount({ sessionUrl: s.sessionUrl, flow: 'redirect' });
    await waitForEvent(second.events, 'alipayhk-ready');
    await second.el.updateComplete;
    expect(text(second.el)).to.contain('Confirming your payment…');
    expect(second.events.of('alipayhk-redirect'), 'no second trip to the wallet').to.have.length(0);
    await expect(second.el).to.be.accessible();
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    await waitForEvent(second.events, 'alipayhk-success');
    expect(await s.requests('create')).to.have.length(1);
  });

  it('a reload during creation sends the same Idempotency-Key again', async () => {
    const s = await scenario({ create: [{ status: 201, delayMs: 2000 }, { status: 201 }] });
    const first = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('create')).length === 1, 'first create sent');
    first.el.remove();
    const second = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(second.events, 'alipayhk-ready');
    const creates = await s.requests('create');
    expect(creates).to.have.length(2);
    expect(creates[1].headers['idempotency-key']).to.equal(creates[0].headers['idempotency-key']);
  });

  it('an expired session is not resumed', async () => {
    const s = await scenario({ create: [{ status: 201, session: { expiresAt: new Date(Date.now() + 200).toISOString() } }] });
    const first = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '10000' });
    await waitForEvent(first.events, 'alipayhk-expired');
    first.el.remove();
    const second = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(second.events, 'alipayhk-ready');
    expect(await s.requests('create')).to.have.length(2);
  });

  it('a tampered record is validated like any session', async () => {
    const s = await scenario();
    const sessionUrl = new URL(s.sessionUrl, document.baseURI).href;
    sessionStorage.setItem(resumeKey(sessionUrl), JSON.stringify({
      sessionUrl, idempotencyKey: 'k', environment: { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false },
      session: { id: 'x', amount: { value: 1, currency: 'HKD' }, statusUrl: '/s', redirectUrl: 'javascript:alert(1)' },
    }));
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-error');
    expect(events.of('alipayhk-error')[0].detail.code).to.equal('invalid-session');
    expect(sessionStorage.getItem(resumeKey(sessionUrl))).to.equal(null);
  });
});
