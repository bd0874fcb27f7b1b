import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, restoreVisibility, scenario, setVisibility, sleep, until, waitForEvent } from '../helpers.js';

describe('SPEC §4 visibility: a hidden page sends no request', () => {
  afterEach(() => {
    restoreVisibility();
    clearResumeStorage();
  });

  it('stops polling while hidden and checks at once when visible again', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await until(async () => (await s.requests('status')).length >= 2, 'polling');

    setVisibility('hidden');
    await sleep(60); // let a request already under way land
    const whileHidden = (await s.requests('status')).length;
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    await sleep(300); // fifteen intervals
    expect((await s.requests('status')).length, 'requests while hidden').to.equal(whileHidden);

    // With an interval of a minute, only the visibilitychange itself can send the next request.
    el.pollInterval = 60_000;
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    setVisibility('visible');
    await waitForEvent(events, 'alipayhk-success');
    expect(await s.requests('status')).to.have.length(whileHidden + 1);
  });

  it('a page hidden from the start does not poll until shown', async () => {
    setVisibility('hidden');
    const s = await scenario({ status: [{ body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await sleep(200);
    expect(await s.requests('status')).to.have.length(0);
    setVisibility('visible');
    await waitForEvent(events, 'alipayhk-success');
  });

  for (const wake of ['pageshow', 'focus', 'online'] as const) {
    it(`${wake} checks at once, without waiting for the next interval`, async () => {
      const s = await scenario({ status: [{ body: { status: 'pending' } }] });
      const { events } = await mount({ sessionUrl: s.sessionUrl }, { 'poll-interval': '60000' });
      await until(async () => (await s.requests('status')).length === 1, 'first poll');
      await s.script({ status: [{ body: { status: 'succeeded' } }] });
      window.dispatchEvent(wake === 'pageshow' ? new PageTransitionEvent('pageshow', { persisted: true }) : new Event(wake));
      await waitForEvent(events, 'alipayhk-success');
      expect(await s.requests('status')).to.have.length(2);
    });
  }
});
