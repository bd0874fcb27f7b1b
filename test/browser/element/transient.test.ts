import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, shadow, sleep, text, until, waitForEvent } from '../helpers.js';

describe('SPEC §4 transient failures back off and keep the QR', () => {
  afterEach(clearResumeStorage);

  it('5xx, 429, network loss and malformed bodies back off exponentially, say Reconnecting…, then succeed', async () => {
    const s = await scenario({
      status: [
        { status: 503 },
        { status: 429, headers: { 'Retry-After': '0' } },
        { destroy: true },
        { raw: '<html>oops</html>', status: 200, contentType: 'text/html' },
        { status: 502, delayMs: 150 },
        { body: { status: 'succeeded' } },
      ],
    });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await until(async () => (await s.requests('status')).length >= 5, 'five failing polls');
    await el.updateComplete;
    expect(text(el)).to.contain('Reconnecting…');
    await until(() => !!shadow(el).querySelector('svg[part="qr"]'), 'the QR stays on screen');
    await expect(el).to.be.accessible();

    await waitForEvent(events, 'alipayhk-success');
    const polls = await s.requests('status');
    expect(polls).to.have.length(6);
    // The n-th retry waits at least half of interval * 2^n (equal jitter): 20, 40, 80, 160 ms.
    for (let n = 1; n <= 4; n++) {
      expect(polls[n].at - polls[n - 1].at, `gap before retry ${n}`).to.be.at.least((20 * 2 ** n) / 2 - 2);
    }
    expect(events.of('alipayhk-error')).to.have.length(0);
    expect(events.of('alipayhk-success')).to.have.length(1);
  });

  it('honours Retry-After', async () => {
    const s = await scenario({ status: [{ status: 429, headers: { 'Retry-After': '1' } }, { body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success', 1, 5000);
    const polls = await s.requests('status');
    expect(polls[1].at - polls[0].at).to.be.at.least(990);
  });

  it('an unknown status string is never taken as a result', async () => {
    const s = await scenario({
      status: [{ body: { status: 'SUCCESS' } }, { body: { status: 'paid' } }, { body: {} }, { body: { status: 'pending' } }],
    });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('status')).length >= 6, 'six polls');
    expect(el.status).to.equal('pending');
    expect(events.types().filter((t) => t !== 'alipayhk-status' && t !== 'alipayhk-ready')).to.deep.equal([]);
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    await waitForEvent(events, 'alipayhk-success');
  });
});

describe('SPEC §4 final errors stop polling', () => {
  afterEach(clearResumeStorage);

  for (const [httpStatus, code] of [[404, 'session-not-found'], [410, 'session-not-found'], [401, 'unauthorized'], [403, 'unauthorized']] as const) {
    it(`${httpStatus} → alipayhk-error ${code}`, async () => {
      const s = await scenario({ status: [{ body: { status: 'pending' } }, { status: httpStatus, body: { code: 'x' } }] });
      const { el, events } = await mount({ sessionUrl: s.sessionUrl });
      await waitForEvent(events, 'alipayhk-error');
      expect(events.of('alipayhk-error')[0].detail).to.include({ code, fatal: true });
      expect(el.status).to.equal('error');
      const polls = (await s.requests('status')).length;
      await sleep(150);
      expect((await s.requests('status')).length).to.equal(polls);
      await el.updateComplete;
      expect(text(el)).to.contain('Something went wrong');
      await expect(el).to.be.accessible();
    });
  }
});

describe('SPEC §3 create failures', () => {
  afterEach(clearResumeStorage);

  it('retries 5xx and network errors with the same Idempotency-Key, then reports create-failed (not fatal)', async () => {
    const s = await scenario({ create: [{ status: 500 }, { destroy: true }, { status: 503 }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-error');
    const creates = await s.requests('create');
    expect(creates).to.have.length(3);
    expect(new Set(creates.map((c) => c.headers['idempotency-key'])).size).to.equal(1);
    expect(events.of('alipayhk-error')[0].detail).to.include({ code: 'create-failed', fatal: false });
    await el.updateComplete;
    expect(text(el)).to.contain('Try again');
    await expect(el).to.be.accessible();
  });

  it('a transient create failure followed by success shows the session', async () => {
    const s = await scenario({ create: [{ status: 502 }, { status: 201 }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    expect(events.of('alipayhk-error')).to.have.length(0);
  });

  it('a 4xx is not retried and is fatal, with the server message', async () => {
    const s = await scenario({ create: [{ status: 400, body: { code: 'invalid_order', message: 'Order A-1 is closed' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-error');
    expect(await s.requests('create')).to.have.length(1);
    const { detail } = events.of('alipayhk-error')[0];
    expect(detail).to.include({ code: 'create-failed', fatal: true });
    expect(detail.message).to.contain('Order A-1 is closed');
  });

  it('without session-url or session, start() reports missing-session-url', async () => {
    const { el, events } = await mount({});
    await el.start();
    expect(events.of('alipayhk-error')[0].detail).to.include({ code: 'missing-session-url', fatal: true });
  });
});
