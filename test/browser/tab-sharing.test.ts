// SPEC §6a, several tabs: which one checks. Two controllers in one page behave as two tabs: Web
// Lock requests from one page queue as requests from two tabs do. (The outcome reaching the other
// tabs is the presence channel's: lib/tab-presence.test.ts.)
import { defineCE, expect, fixture, fixtureCleanup, waitUntil as waitUntilWithin } from '@open-wc/testing';
import { ReactiveElement } from 'lit';
import { unsafeStatic, html } from 'lit/static-html.js';
import { TabSharingController, type TabSharingOptions } from '../../src/controllers/tab-sharing-controller.js';

/** open-wc's waitUntil, given 5 s instead of its 1 s: lock grants and channel messages on a loaded 2-core machine. */
const waitUntil = (predicate: () => unknown, message: string) => waitUntilWithin(predicate, message, { timeout: 5000 });

/** The Web Lock's name before the session id: part of the contract between tabs of every version. */
const LOCK = 'alipayhk-checkout';
const tag = unsafeStatic(defineCE(class extends ReactiveElement {}));
// Chromium, Firefox ESR and WebKit all have it (the fallbacks are tested with an injected
// `locks: undefined`); the first test below says so rather than letting a test pass unrun.
const hasLocks = typeof navigator.locks === 'object';

it('this engine has Web Locks, so every test here runs', () => {
  expect(hasLocks, 'navigator.locks').to.equal(true);
});

interface Tab {
  el: ReactiveElement;
  sharing: TabSharingController;
  leadingCalls: boolean[];
  /** The last onLeading, false before any and after leave(). */
  leads: boolean;
}

let tabs: Tab[] = [];
/** The most tabs that led at once during the test. */
let mostLeaders = 0;

async function openTab(sessionId?: string, extra: Partial<TabSharingOptions> = {}): Promise<Tab> {
  const el = await fixture<ReactiveElement>(html`<${tag}></${tag}>`);
  const tab = { el, leadingCalls: [], leads: false } as unknown as Tab;
  tab.sharing = new TabSharingController(el, {
    onLeading(leading) {
      tab.leadingCalls.push(leading);
      tab.leads = leading;
      mostLeaders = Math.max(mostLeaders, tabs.filter((t) => t.leads).length);
    },
    ...extra,
  });
  tabs.push(tab);
  if (sessionId) tab.sharing.join(sessionId);
  return tab;
}

function leave(tab: Tab): void {
  tab.sharing.leave();
  tab.leads = false;
}

// As in helpers.ts, whose import would load the whole element, which this test does not need.
function setVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}
const restoreVisibility = () => delete (document as unknown as Record<string, unknown>).visibilityState;

const newSessionId = () => `s${Math.random().toString(36).slice(2, 12)}`;
const leaders = () => tabs.filter((t) => t.leads);

/** The held and queued Web Lock requests of a session, in this origin. */
async function locksOf(sessionId: string): Promise<{ held: string[]; pending: string[] }> {
  const { held = [], pending = [] } = await navigator.locks.query();
  const names = (list: LockInfo[]) => list.map((lock) => lock.name ?? '').filter((name) => name.includes(sessionId));
  return { held: names(held), pending: names(pending) };
}

beforeEach(() => {
  setVisibility('visible');
  tabs = [];
  mostLeaders = 0;
});

afterEach(() => {
  for (const tab of tabs) tab.sharing.leave();
  fixtureCleanup();
  restoreVisibility();
});

describe('SPEC §6a several tabs: one visible tab checks the status, the others listen', () => {
  it('of two tabs on one session only one leads; when it leaves, the other leads', async () => {
    const id = newSessionId();
    const [a, b] = [await openTab(id), await openTab(id)];
    await waitUntil(() => leaders().length === 1, 'one leader');
    expect(await locksOf(id)).to.deep.include({ held: [`${LOCK}:${id}`], pending: [`${LOCK}:${id}`] });
    const [leader, follower] = a.leads ? [a, b] : [b, a];
    expect(follower.leadingCalls, 'a waiting tab is told it does not lead').to.deep.equal([false]);

    leave(leader);
    await waitUntil(() => follower.leads, 'the other tab takes over');
    expect(follower.leadingCalls).to.deep.equal([false, true]);
    expect(mostLeaders, 'tabs leading at once').to.equal(1);
  });

  it('a tab that leaves the DOM hands over, and shares again when it comes back', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await waitUntil(() => a.leads, 'a leads');
    const b = await openTab(id);
    expect(b.leadingCalls).to.deep.equal([false]);

    const parent = a.el.parentNode!;
    a.el.remove();
    a.leads = false;
    await waitUntil(() => b.leads, 'b takes over');

    parent.appendChild(a.el);
    await waitUntil(async () => (await locksOf(id)).pending.length === 1, 'a queues again');
    expect(a.leadingCalls.at(-1)).to.equal(false);
    leave(b);
    await waitUntil(() => a.leads, 'the rejoined tab takes over');
    expect(mostLeaders).to.equal(1);
  });

  it('a tab that was left explicitly does not rejoin when its host comes back', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await waitUntil(() => a.leads, 'a leads');
    leave(a);
    const parent = a.el.parentNode!;
    a.el.remove();
    parent.appendChild(a.el);
    const other = await openTab(id);
    await waitUntil(() => other.leads, 'the lock is free');
    expect(a.leadingCalls).to.deep.equal([false, true]);
  });
});

describe('SPEC §6a several tabs: leave() stops everything', () => {
  it('releases the lock: a third requester gets it', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await waitUntil(() => a.leads, 'a leads');
    const [name] = (await locksOf(id)).held;
    let granted = false;
    const third = navigator.locks.request(name, () => void (granted = true));
    await waitUntil(async () => (await locksOf(id)).pending.length === 1, 'the third requester waits');
    expect(granted).to.equal(false);
    a.sharing.leave();
    await third;
    expect(granted).to.equal(true);
    expect(await locksOf(id)).to.deep.equal({ held: [], pending: [] });
  });

  it('aborts a queued request', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await waitUntil(() => a.leads, 'a leads');
    const b = await openTab(id);
    await waitUntil(async () => (await locksOf(id)).pending.length === 1, 'b queues');
    b.sharing.leave();
    await waitUntil(async () => (await locksOf(id)).pending.length === 0, 'b left the queue');
    a.sharing.leave();
    expect(b.leadingCalls).to.deep.equal([false]);
  });

  it('listens to nothing: no callback after leave', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    if (hasLocks) await waitUntil(() => a.leads, 'a leads');
    const calls = a.leadingCalls.length;
    a.sharing.leave();
    setVisibility('hidden');
    setVisibility('visible');
    expect(a.leadingCalls).to.have.length(calls);
    // A released lock goes in a later task.
    if (hasLocks) await waitUntil(async () => (await locksOf(id)).held.length === 0, 'the lock released');
    if (hasLocks) expect(await locksOf(id)).to.deep.equal({ held: [], pending: [] });
    expect(a.leadingCalls, 'and no callback meanwhile').to.have.length(calls);
  });
});

describe('SPEC §6a several tabs: without Web Locks every tab checks', () => {
  const failing = {
    'missing': undefined,
    'throwing': { request: () => { throw new DOMException('denied', 'SecurityError'); } },
    'rejecting': { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) },
  } as unknown as Record<string, LockManager | undefined>;
  for (const [kind, locks] of Object.entries(failing)) {
    it(`with Web Locks ${kind}, both tabs lead`, async () => {
      const id = newSessionId();
      const [a, b] = [await openTab(id, { locks }), await openTab(id, { locks })];
      await waitUntil(() => a.leads && b.leads, 'both lead');
      setVisibility('hidden');
      setVisibility('visible');
      await waitUntil(() => a.leads && b.leads, 'both lead when shown again');
    });
  }
});

describe('SPEC §6a several tabs: a hidden tab gives the lock up', () => {
  // One page cannot be hidden for one controller and visible for another: the other "tab" that
  // takes the lock over is a plain lock request of the test.
  it('hiding releases the lock to another requester; showing queues again', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await waitUntil(() => a.leads, 'a leads');
    const [name] = (await locksOf(id)).held;

    setVisibility('hidden');
    expect(a.leadingCalls).to.deep.equal([false, true, false]);
    let releaseOther!: () => void;
    const otherHolds = new Promise<void>((resolve) => {
      void navigator.locks.request(name, () => {
        resolve();
        return new Promise<void>((release) => (releaseOther = release));
      });
    });
    await otherHolds;
    expect(await locksOf(id)).to.deep.equal({ held: [name], pending: [] });

    setVisibility('visible');
    await waitUntil(async () => (await locksOf(id)).pending.length === 1, 'a queues again');
    expect(a.leads).to.equal(false);
    releaseOther();
    await waitUntil(() => a.leads, 'a leads again');
  });

  it('two hidden tabs hold nothing; shown, one leads', async () => {
    const id = newSessionId();
    await openTab(id);
    await openTab(id);
    await waitUntil(() => leaders().length === 1, 'one leader');
    setVisibility('hidden');
    expect(leaders()).to.have.length(0);
    await waitUntil(async () => (await locksOf(id)).held.length + (await locksOf(id)).pending.length === 0, 'no lock held or queued');
    setVisibility('visible');
    await waitUntil(() => leaders().length === 1, 'one leader again');
    expect(mostLeaders).to.equal(1);
  });

  it('a tab joined while hidden waits for the page to be shown', async () => {
    setVisibility('hidden');
    const id = newSessionId();
    const a = await openTab(id);
    expect(a.leadingCalls).to.deep.equal([false]);
    expect(await locksOf(id)).to.deep.equal({ held: [], pending: [] });
    setVisibility('visible');
    await waitUntil(() => a.leads, 'a leads once shown');
  });
});
