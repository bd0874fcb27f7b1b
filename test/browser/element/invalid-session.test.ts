import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

const cases: Array<[string, Record<string, unknown>, string]> = [
  ['a missing id', { id: null }, 'id'],
  ['a javascript: redirectUrl', { redirectUrl: 'javascript:alert(document.cookie)' }, 'redirectUrl'],
  ['a data: redirectUrl', { redirectUrl: 'data:text/html,<script>alert(1)</script>' }, 'redirectUrl'],
  ['a non-integer amount', { amount: { value: 123.45, currency: 'HKD' } }, 'amount.value'],
  ['an unknown currency', { amount: { value: 12345, currency: 'XYZ' } }, 'amount.currency'],
  ['a missing statusUrl', { statusUrl: null }, 'statusUrl'],
  ['neither qrCode nor redirectUrl', { qrCode: null, redirectUrl: null }, 'qrCode'],
];

describe('SPEC §3 an invalid session is never rendered', () => {
  afterEach(clearResumeStorage);

  for (const [name, patch, field] of cases) {
    it(`${name} → alipayhk-error invalid-session naming ${field}`, async () => {
      const s = await scenario({ create: [{ status: 201, session: patch }] });
      const { el, events } = await mount({ sessionUrl: s.sessionUrl });
      await waitForEvent(events, 'alipayhk-error');
      const { detail } = events.of('alipayhk-error')[0];
      expect(detail.code).to.equal('invalid-session');
      expect(detail.fatal).to.equal(true);
      expect(detail.message).to.contain(field);
      expect(events.of('alipayhk-ready')).to.have.length(0);
      expect(await s.requests('status')).to.have.length(0);
      await el.updateComplete;
      expect(shadow(el).querySelector('svg[part="qr"]') === null, 'no QR').to.equal(true);
      expect(shadow(el).querySelector('a') === null, 'no link').to.equal(true);
      expect(text(el)).not.to.contain('Pay with AlipayHK');
      await expect(el).to.be.accessible();
    });
  }

  it('an invalid session property is reported the same way', async () => {
    const { events } = await mount({ session: { id: 'x', amount: { value: 1, currency: 'HKD' }, statusUrl: 'ftp://x' } as never });
    await waitForEvent(events, 'alipayhk-error');
    expect(events.of('alipayhk-error')[0].detail).to.include({ code: 'invalid-session' });
    expect(events.of('alipayhk-error')[0].detail.message).to.contain('statusUrl');
  });

  it('a create response that is not JSON is a create failure, not a crash', async () => {
    const s = await scenario({ create: [{ status: 201, raw: '<html>', contentType: 'text/html' }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-error');
    expect(events.of('alipayhk-error')[0].detail.code).to.equal('create-failed');
  });

  it('session text reaches the DOM as text, never as HTML', async () => {
    const s = await scenario({ status: [{ body: { status: 'failed', failureCode: 'x', failureMessage: '<img src=x onerror=alert(1)>' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-failure');
    await until(() => text(el).includes('<img src=x onerror=alert(1)>'), 'the server message, as text');
    expect(shadow(el).querySelector('img') === null, 'no img element').to.equal(true);
  });
});

describe('SPEC §2 the session property', () => {
  afterEach(clearResumeStorage);

  it('a session set by the page starts the flow without a create request, and a new one restarts it', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const session = { id: 'cs_page', amount: { value: 500, currency: 'JPY' }, statusUrl: s.statusUrl, qrCode: 'https://qr.alipay.com/page' };
    const { el, events } = await mount({ session: session as never });
    await waitForEvent(events, 'alipayhk-ready');
    expect(text(el)).to.contain('¥500');
    el.session = { ...session, id: 'cs_page_2' } as never;
    await waitForEvent(events, 'alipayhk-ready', 2);
    expect(events.of('alipayhk-ready')[1].detail.session.id).to.equal('cs_page_2');
    expect(await s.requests('create')).to.have.length(0);
  });
});
