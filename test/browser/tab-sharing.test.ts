// SPEC §6a, several tabs. Two controllers in one page behave as two tabs: a BroadcastChannel
// delivers to every other channel object of its name in the page (never to itself), and Web Lock
// requests from one page queue as requests from two tabs do.
import { defineCE, expect, fixture, fixtureCleanup, waitUntil as waitUntilWithin } from '@open-wc/testing';
import { ReactiveElement } from 'lit';
import { unsafeStatic, html } from 'lit/static-html.js';
import { TabSharingController, type TabSharingOptions } from '../../src/controllers/tab-sharing-controller.js';
import type { StatusResult } from '../../src/lib/status.js';

/** open-wc's waitUntil, given 5 s instead of its 1 s: lock grants and channel messages on a loaded 2-core machine. */
const waitUntil = (predicate: () => unknown, message: string) => waitUntilWithin(predicate, message, { timeout: 5000 });

/** The channel every version of the widget listens on: part of the contract between tabs. */
const CHANNEL = 'alipayhk-checkout';
const tag = unsafeStatic(defineCE(class extends ReactiveElement {}));
// Chromium, Firefox ESR and WebKit all have both (the fallbacks are tested with an injected
// `locks: undefined`); the first test below says so rather than letting a test pass unrun.
const hasLocks = typeof navigator.locks === 'object';
const hasChannel = typeof BroadcastChannel === 'function';

it('this engine has Web Locks and BroadcastChannel, so every test here runs', () => {
  expect(hasLocks, 'navigator.locks').to.equal(true);
  expect(hasChannel, 'BroadcastChannel').to.equal(true);
});

interface Tab {
  el: ReactiveElement;
  sharing: TabSharingController;
  results: StatusResult[];
  leadingCalls: boolean[];
  /** The last onLeading, false before any and after leave(). */
  leads: boolean;
}

let tabs: Tab[] = [];
/** The most tabs that led at once during the test. */
let mostLeaders = 0;

async function openTab(sessionId?: string, extra: Partial<TabSharingOptions> = {}): Promise<Tab> {
  const el = await fixture<ReactiveElement>(html`<${tag}></${tag}>`);
  const tab = { el, results: [], leadingCalls: [], leads: false } as unknown as Tab;
  tab.sharing = new TabSharingController(el, {
    onResult: (result) => tab.results.push(result),
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

/** Posts messages as another tab would, and resolves once this page has been handed them all. */
async function post(...messages: unknown[]): Promise<void> {
  const sender = new BroadcastChannel(CHANNEL);
  const probe = new BroadcastChannel(CHANNEL);
  const token = `probe-${Math.random()}`;
  let delivered = false;
  // Deliveries to the channels of one page are queued in order: once the probe has the token,
  // every channel has had every message before it.
  probe.onmessage = ({ data }) => (delivered ||= data === token);
  for (const message of messages) sender.postMessage(message);
  sender.postMessage(token);
  await waitUntil(() => delivered, 'messages delivered');
  sender.close();
  probe.close();
}

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
    expect(await locksOf(id)).to.deep.include({ held: [`${CHANNEL}:${id}`], pending: [`${CHANNEL}:${id}`] });
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
    b.sharing.publish({ status: 'succeeded' });
    await waitUntil(() => a.results.length === 1, 'the result reaches the rejoined tab');
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

describe('SPEC §6a several tabs: an outcome reaches every tab once', () => {
  it('a published result reaches the other tab once, with its failure reason', async () => {
    const id = newSessionId();
    const [a, b] = [await openTab(id), await openTab(id)];
    await waitUntil(() => leaders().length >= 1, 'a leader');
    const [leader, follower] = a.leads ? [a, b] : [b, a];
    const result: StatusResult = { status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'Not enough balance' };
    leader.sharing.publish(result);
    await waitUntil(() => follower.results.length === 1, 'the result reaches the other tab');
    expect(follower.results).to.deep.equal([result]);
    expect(leader.results, 'a channel does not echo to its own tab').to.deep.equal([]);

    // The listener has stopped: the same message again changes nothing.
    await post({ sessionId: id, status: 'succeeded' }, { ...result, sessionId: id });
    expect(follower.results).to.have.length(1);
    if (hasLocks) await waitUntil(async () => (await locksOf(id)).held.length + (await locksOf(id)).pending.length === 0, 'both tabs let go of the lock');
  });

  it('of two results sent at once, only the first is taken', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    await post({ sessionId: id, status: 'cancelled' }, { sessionId: id, status: 'succeeded' });
    expect(a.results).to.deep.equal([{ status: 'cancelled' }]);
  });

  it('a pending status is not published', async () => {
    const id = newSessionId();
    const [a, b] = [await openTab(id), await openTab(id)];
    a.sharing.publish({ status: 'pending' });
    await post();
    expect(b.results).to.deep.equal([]);
    a.sharing.publish({ status: 'cancelled' });
    await waitUntil(() => b.results.length === 1, 'the cancel reaches the other tab');
  });

  it('a tab on another session hears nothing', async () => {
    const [a, b] = [await openTab(newSessionId()), await openTab(newSessionId())];
    a.sharing.publish({ status: 'succeeded' });
    await post();
    expect(b.results).to.deep.equal([]);
  });

  it('hostile messages are ignored, and the fields of a valid one sanitized as a status response', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    const withOwnProto = JSON.parse(`{"__proto__": {"sessionId": "${id}", "status": "succeeded"}}`);
    await post(
      { sessionId: newSessionId(), status: 'succeeded' },
      { sessionId: id, status: 'paid' },
      { sessionId: id, status: 'SUCCEEDED' },
      { sessionId: id, status: 'pending' },
      { sessionId: id },
      { sessionId: [id], status: 'succeeded' },
      { sessionId: id, status: ['succeeded'] },
      Object.assign([{ status: 'succeeded' }], { sessionId: id, status: 'succeeded' }),
      [id, 'succeeded'],
      null,
      undefined,
      'succeeded',
      id,
      42,
      new Map([['sessionId', id], ['status', 'succeeded']]),
      { __proto__: { sessionId: id, status: 'succeeded' } },
      withOwnProto,
      { status: 'succeeded' },
    );
    expect(a.results).to.deep.equal([]);

    await post({ sessionId: id, status: 'failed', failureCode: 5, failureMessage: 'x'.repeat(5000), extra: '<img src=x onerror=alert(1)>' });
    await waitUntil(() => a.results.length === 1, 'the valid message is taken');
    expect(a.results).to.deep.equal([{ status: 'failed', failureMessage: 'x'.repeat(200) }]);
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

  it('closes the channel and listens to nothing: no callback after leave', async () => {
    const id = newSessionId();
    const a = await openTab(id);
    if (hasLocks) await waitUntil(() => a.leads, 'a leads');
    const calls = a.leadingCalls.length;
    a.sharing.leave();
    setVisibility('hidden');
    setVisibility('visible');
    if (hasChannel) await post({ sessionId: id, status: 'succeeded' });
    expect(a.results).to.deep.equal([]);
    expect(a.leadingCalls).to.have.length(calls);
    if (hasLocks) expect(await locksOf(id)).to.deep.equal({ held: [], pending: [] });
  });

  it('publishing after leave sends nothing', async () => {
    const id = newSessionId();
    const [a, b] = [await openTab(id), await openTab(id)];
    a.sharing.leave();
    a.sharing.publish({ status: 'succeeded' });
    if (hasChannel) await post();
    expect(b.results).to.deep.equal([]);
  });
});

describe('SPEC §6a several tabs: without Web Locks every tab checks', () => {
  const failing = {
    'missing': undefined,
    'throwing': { request: () => { throw new DOMException('denied', 'SecurityError'); } },
    'rejecting': { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) },
  } as unknown as Record<string, LockManager | undefined>;
  for (const [kind, locks] of Object.entries(failing)) {
    it(`with Web Locks ${kind}, both tabs lead and still share the outcome`, async () => {
      const id = newSessionId();
      const [a, b] = [await openTab(id, { locks }), await openTab(id, { locks })];
      await waitUntil(() => a.leads && b.leads, 'both lead');
      setVisibility('hidden');
      setVisibility('visible');
      await waitUntil(() => a.leads && b.leads, 'both lead when shown again');
      if (!hasChannel) return;
      a.sharing.publish({ status: 'expired' });
      await waitUntil(() => b.results.length === 1, 'the result reaches the other tab');
      expect(b.results).to.deep.equal([{ status: 'expired' }]);
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
