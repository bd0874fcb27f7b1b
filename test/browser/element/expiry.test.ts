import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

describe('SPEC §4 expiry with a last check', () => {
  afterEach(clearResumeStorage);

  it('still pending at expiresAt → alipayhk-expired once, after a last check sent at or after expiry', async () => {
    const s = await scenario({ create: [{ status: 201, session: { expiresInMs: 500 } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '10000' });
    await waitForEvent(events, 'alipayhk-expired');
    expect(events.of('alipayhk-expired')[0].detail).to.deep.equal({ sessionId: `cs_${s.id}` });
    const expiresAt = events.of('alipayhk-ready')[0].detail.session.expiresAt!;
    const polls = await s.requests('status');
    expect(polls, 'the first poll and the last check').to.have.length(2);
    expect(polls[1].at).to.be.at.least(Date.parse(expiresAt) - 5);
    expect(el.status).to.equal('expired');
    await el.updateComplete;
    expect(text(el)).to.contain('This code has expired');
    expect(shadow(el).querySelector('svg'), 'no dead QR left on screen').to.equal(null);
    await expect(el).to.be.accessible();

    // "Get a new code" makes a fresh session with a new key.
    await s.script({ create: [{ status: 201 }] });
    shadow(el).querySelector<HTMLButtonElement>('button')!.click();
    await waitForEvent(events, 'alipayhk-ready', 2);
    const creates = await s.requests('create');
    expect(creates).to.have.length(2);
    expect(creates[1].headers['idempotency-key']).not.to.equal(creates[0].headers['idempotency-key']);
    expect(events.of('alipayhk-expired')).to.have.length(1);
  });

  it('expiry during a slow status request still makes the last check as soon as it lands', async () => {
    const s = await scenario({
      create: [{ status: 201, session: { expiresInMs: 300 } }],
      status: [{ body: { status: 'pending' }, delayMs: 1000 }, { body: { status: 'pending' } }],
    });
    const { events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '60000' });
    await waitForEvent(events, 'alipayhk-expired');
    const expiresAt = events.of('alipayhk-ready')[0].detail.session.expiresAt!;
    const polls = await s.requests('status');
    expect(polls).to.have.length(2);
    expect(polls[1].at).to.be.at.least(Date.parse(expiresAt) - 5);
  });

  it('paid in the last seconds: the last check finds success, not expiry', async () => {
    const s = await scenario({
      create: [{ status: 201, session: { expiresInMs: 1000 } }],
      status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }],
    });
    const { events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '10000' });
    await waitForEvent(events, 'alipayhk-success');
    expect(events.of('alipayhk-expired')).to.have.length(0);
  });

  it('uses the Date header of the session response: a device clock 10 minutes fast still expires on time', async () => {
    // The server says it is 10 minutes earlier than this device thinks; the session has 600.5 s of server time left.
    const serverNow = Date.now() - 600_000;
    const s = await scenario({
      create: [{ status: 201, headers: { Date: new Date(serverNow).toUTCString() }, session: { expiresAt: new Date(serverNow + 600_500).toISOString() } }],
    });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '10000' });
    await waitForEvent(events, 'alipayhk-ready');
    // The countdown comes with the QR's chunk; a loaded machine may take a second or two for it.
    await until(() => text(el).includes('Code expires in'), 'the countdown');
    expect(text(el)).to.match(/Code expires in (10:0[01]|9:5\d)/);
  });

  it('a device clock 10 minutes slow does not expire the code early', async () => {
    const serverNow = Date.now() + 600_000;
    const s = await scenario({
      create: [{ status: 201, headers: { Date: new Date(serverNow).toUTCString() }, session: { expiresAt: new Date(serverNow + 5000).toISOString() } }],
    });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '10000' });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Code expires in'), 'the countdown');
    // Within a second or so of the 5 s the server gave (its Date header has whole seconds), not 10:05.
    expect(text(el)).to.match(/Code expires in 0:0\d/);
    await waitForEvent(events, 'alipayhk-expired', 1, 10_000);
  });
});
