import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, sleep, TERMINAL_EVENTS, text, until, waitForEvent, type Recorder } from '../helpers.js';

function terminalEvents(events: Recorder) {
  return events.events.filter((e) => (TERMINAL_EVENTS as string[]).includes(e.type));
}

describe('SPEC §6 outcomes: exactly one terminal event per session', () => {
  afterEach(clearResumeStorage);

  it('success: alipayhk-success once with the result, then nothing polls', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    const [success] = events.of('alipayhk-success');
    expect(success.detail).to.deep.equal({ sessionId: `cs_${s.id}`, result: { status: 'succeeded' } });
    expect(el.status).to.equal('succeeded');
    await el.updateComplete;
    expect(text(el)).to.contain('Payment successful');
    await expect(el).to.be.accessible();
    const polls = (await s.requests('status')).length;
    await sleep(150);
    expect((await s.requests('status')).length).to.equal(polls);
    expect(terminalEvents(events)).to.have.length(1);
  });

  it('failure: alipayhk-failure once with the reason, and Try again creates a new session with a new key', async () => {
    const s = await scenario({
      status: [{ body: { status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'Not enough balance' } }],
    });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-failure');
    expect(events.of('alipayhk-failure')[0].detail).to.deep.equal({
      sessionId: `cs_${s.id}`, code: 'insufficient_fund', message: 'Not enough balance',
    });
    await el.updateComplete;
    expect(text(el)).to.contain('Payment failed');
    // The reason in the shopper's words (a chunk loaded with the first failure), not the server's.
    await until(() => text(el).includes('Not enough balance in your AlipayHK account.'), 'the reason for insufficient_fund');
    await expect(el).to.be.accessible();

    await s.script({ status: [{ body: { status: 'pending' } }] });
    const tryAgain = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Try again')!;
    tryAgain.click();
    await waitForEvent(events, 'alipayhk-ready', 2);
    const creates = await s.requests('create');
    expect(creates).to.have.length(2);
    expect(creates[1].headers['idempotency-key']).not.to.equal(creates[0].headers['idempotency-key']);
    expect(terminalEvents(events)).to.have.length(1);
  });

  it('racing wake-ups (focus, online, pageshow) around a final answer still give one event', async () => {
    const s = await scenario({ status: [{ body: { status: 'succeeded' }, delayMs: 60 }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    for (let i = 0; i < 10; i++) {
      window.dispatchEvent(new Event('focus'));
      window.dispatchEvent(new Event('online'));
      window.dispatchEvent(new Event('pageshow'));
      await sleep(5);
    }
    await waitForEvent(events, 'alipayhk-success');
    await sleep(150);
    expect(terminalEvents(events)).to.have.length(1);
    const polls = await s.requests('status');
    // One request at a time: no two overlapped.
    for (let i = 1; i < polls.length; i++) expect(polls[i].at).to.be.at.least(polls[i - 1].at + 60);
  });

  it('cancel() after success emits nothing more; success after cancel() is ignored', async () => {
    const s = await scenario({ status: [{ body: { status: 'succeeded' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(first.events, 'alipayhk-success');
    first.el.cancel();
    expect(terminalEvents(first.events).map((e) => e.type)).to.deep.equal(['alipayhk-success']);
    expect(await s.requests('cancel'), 'nothing to cancel after success').to.have.length(0);

    const s2 = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' }, delayMs: 100 }] });
    const second = await mount({ sessionUrl: s2.sessionUrl });
    await waitForEvent(second.events, 'alipayhk-ready');
    second.el.cancel();
    expect(second.events.of('alipayhk-cancel')[0].detail).to.deep.equal({ sessionId: `cs_${s2.id}` });
    expect(second.el.status).to.equal('cancelled');
    // The merchant's server hears it (the session's cancelUrl), so that the code can no longer be paid.
    await until(async () => (await s2.requests('cancel')).length === 1, 'cancelUrl posted');
    await sleep(250);
    expect(terminalEvents(second.events).map((e) => e.type)).to.deep.equal(['alipayhk-cancel']);
    await expect(second.el).to.be.accessible();
  });

  it('retry() after an error tells the server to close the old session (its cancelUrl); after a failure it need not', async () => {
    const s = await scenario({ status: [{ status: 401, body: { code: 'unauthorized' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-error');
    await s.script({ status: [{ body: { status: 'failed', failureCode: 'declined' } }] });
    await el.retry();
    await until(async () => (await s.requests('cancel')).length === 1, 'the old session closed');
    await waitForEvent(events, 'alipayhk-failure');
    await el.retry();
    await until(async () => (await s.requests('create')).length === 3, 'a third session');
    expect(await s.requests('cancel')).to.have.length(1);
  });

  it('a session that arrives already final settles at once', async () => {
    const s = await scenario({ create: [{ status: 201, session: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    expect(await s.requests('status')).to.have.length(0);
  });

  it('showing an already settled session again does not repeat its event', async () => {
    const s = await scenario({ status: [{ body: { status: 'succeeded' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    el.session = events.of('alipayhk-ready')[0].detail.session;
    await waitForEvent(events, 'alipayhk-ready', 2);
    await until(() => el.status === 'succeeded', 'shown as paid again');
    await sleep(150);
    expect(terminalEvents(events)).to.have.length(1);
  });

  it('an answer for a session replaced mid-flight is dropped', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' }, delayMs: 300 }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('status')).length === 2, 'the slow answer is under way');
    const other = await scenario({ status: [{ body: { status: 'failed', failureCode: 'declined' } }] });
    el.session = { id: 'cs_replacement', amount: { value: 100, currency: 'HKD' }, statusUrl: other.statusUrl, qrCode: 'https://qr.alipay.com/r' } as never;
    await waitForEvent(events, 'alipayhk-failure');
    await sleep(400);
    expect(terminalEvents(events).map((e) => [e.type, e.detail.sessionId])).to.deep.equal([['alipayhk-failure', 'cs_replacement']]);
  });

  it('a cancelled status from the server ends with alipayhk-cancel', async () => {
    const s = await scenario({ status: [{ body: { status: 'cancelled' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-cancel');
    expect(el.status).to.equal('cancelled');
  });
});

describe('SPEC §6 status events', () => {
  afterEach(clearResumeStorage);

  it('report every change with the previous status, bubbling and composed', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    expect(events.of('alipayhk-status').map((e) => e.detail)).to.deep.equal([
      { status: 'creating', previous: 'idle' },
      { status: 'pending', previous: 'creating' },
      { status: 'succeeded', previous: 'pending' },
    ]);
    for (const event of events.events) {
      expect(event.bubbles, event.type).to.equal(true);
      expect(event.composed, event.type).to.equal(true);
      expect(event.cancelable, event.type).to.equal(event.type === 'alipayhk-redirect');
    }
    expect(events.types()).to.deep.equal([
      'alipayhk-status', 'alipayhk-status', 'alipayhk-ready', 'alipayhk-status', 'alipayhk-success',
    ]);
  });
});
