// SPEC §6a several tabs: two elements on one page share a session as two tabs do (a
// BroadcastChannel reaches another channel object of the same name on the same page, and Web
// Locks queue requests from one page as from two tabs).
import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, until, waitForEvent } from '../helpers.js';

async function lockState(name: string): Promise<{ held: number; pending: number }> {
  const { held = [], pending = [] } = await navigator.locks.query();
  return { held: held.filter((l) => l.name === name).length, pending: pending.filter((l) => l.name === name).length };
}

describe('SPEC §6a one session in several tabs', () => {
  afterEach(clearResumeStorage);

  // First in this file: once loaded, a module stays loaded.
  it('one tab alone never loads the tab-sharing code', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }, { body: { status: 'pending' } }, { body: { status: 'succeeded' } }] });
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-success');
    const loaded = performance.getEntriesByType('resource').map((e) => e.name);
    expect(loaded.filter((name) => name.includes('tab-sharing-controller'))).to.deep.equal([]);
    expect(loaded.some((name) => name.includes('tab-presence')), 'the small presence module is what it loads').to.equal(true);
  });

  it('one checks while the other listens; when it goes, the other checks and gets the outcome', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const first = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('status')).length > 0, 'the first tab checks');
    // The second "tab" shows the same session, as a reload in another tab resumes it.
    const created = await fetch(s.sessionUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.json());
    expect(created.id).to.equal(`cs_${s.id}`);
    // Its status URL carries a mark, so that each tab's checks can be told apart.
    const second = await mount({ session: { ...created, statusUrl: `${created.statusUrl}?tab=2` } });
    const lock = `alipayhk-checkout:cs_${s.id}`;
    const checks = async () => {
      const all = await s.requests('status');
      return [all.filter((r) => r.query !== 'tab=2').length, all.filter((r) => r.query === 'tab=2').length];
    };
    await until(async () => JSON.stringify(await lockState(lock)) === '{"held":1,"pending":1}', 'one tab holds the checks, one waits');
    // Whichever got the lock checks; the other only listens: once one has checked again (a check
    // of the other's sent before the lock settled has landed by then), one checks three more
    // times and the other not once.
    const before = await checks();
    await until(async () => (await checks()).some((count, tab) => count > before[tab]!), 'a tab checks again');
    const settled = await checks();
    await until(async () => (await checks()).some((count, tab) => count >= settled[tab]! + 3), 'the leading tab checks on');
    const now = await checks();
    const leader = now[0]! >= settled[0]! + 3 ? 0 : 1;
    expect(now[1 - leader], 'the waiting tab sends no status request').to.equal(settled[1 - leader]);

    // The tab that checks goes away: the other takes over.
    const [gone, stays] = leader === 0 ? [first, second] : [second, first];
    gone.el.remove();
    await until(async () => (await checks())[1 - leader]! > settled[1 - leader]! + 2, 'the other tab checks now');
    await until(async () => JSON.stringify(await lockState(lock)) === '{"held":1,"pending":0}', 'the other tab holds the checks');
    expect(stays.el.status).to.equal('pending');
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    await waitForEvent(stays.events, 'alipayhk-success');
  });

  it('an outcome one tab reaches is shown by the other at once, each emitting its own event', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const created = await fetch(s.sessionUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.json());
    const a = await mount({ session: created });
    const b = await mount({ session: created });
    await until(async () => (await s.requests('status')).length > 0, 'one tab checks');
    a.el.cancel();
    await waitForEvent(a.events, 'alipayhk-cancel');
    await waitForEvent(b.events, 'alipayhk-cancel');
    expect(a.events.of('alipayhk-cancel')).to.have.length(1);
    expect(b.events.of('alipayhk-cancel')).to.have.length(1);
    expect(b.el.status).to.equal('cancelled');
  });
});
