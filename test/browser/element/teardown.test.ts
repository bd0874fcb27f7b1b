import { expect } from '@open-wc/testing';
import { clearResumeStorage, mount, scenario, sleep, until, waitForEvent } from '../helpers.js';

type Registration = { target: EventTarget; type: string; listener: unknown };

/** Tracks listeners added to window and document, to prove that removal takes them all away. */
function trackListeners() {
  const live: Registration[] = [];
  const originals = new Map<EventTarget, { add: typeof window.addEventListener; remove: typeof window.removeEventListener }>();
  for (const target of [window, document] as EventTarget[]) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    originals.set(target, { add, remove });
    target.addEventListener = function (type: string, listener: unknown, options?: unknown) {
      live.push({ target, type, listener });
      return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    };
    target.removeEventListener = function (type: string, listener: unknown, options?: unknown) {
      const i = live.findIndex((r) => r.target === target && r.type === type && r.listener === listener);
      if (i >= 0) live.splice(i, 1);
      return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
    };
  }
  return {
    live,
    restore() {
      for (const [target, { add, remove }] of originals) {
        target.addEventListener = add;
        target.removeEventListener = remove;
      }
    },
  };
}

describe('SPEC §2 element removed: nothing keeps running', () => {
  afterEach(clearResumeStorage);

  it('no more requests, timers or listeners after removal while polling', async () => {
    const tracker = trackListeners();
    try {
      const s = await scenario({ status: [{ body: { status: 'pending' } }] });
      const { el, events } = await mount({ sessionUrl: s.sessionUrl });
      await waitForEvent(events, 'alipayhk-ready');
      await until(async () => (await s.requests('status')).length >= 2, 'polling');
      expect(tracker.live.map((r) => r.type)).to.include.members(['visibilitychange', 'pageshow', 'focus', 'online']);
      el.remove();
      expect(tracker.live, 'listeners left behind').to.deep.equal([]);
      await sleep(50);
      const after = (await s.requests('status')).length;
      await sleep(300);
      expect((await s.requests('status')).length).to.equal(after);
      expect(events.events.slice(-1)[0].type).not.to.equal('alipayhk-error');
    } finally {
      tracker.restore();
    }
  });

  it('removal during back-off cancels the retry', async () => {
    const s = await scenario({ status: [{ status: 503 }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('status')).length >= 2, 'failing polls');
    el.remove();
    await sleep(50);
    const after = (await s.requests('status')).length;
    await sleep(400);
    expect((await s.requests('status')).length).to.equal(after);
  });

  it('removal during a hanging status request aborts it', async () => {
    const s = await scenario({ status: [{ hang: true }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('status')).length === 1, 'request sent');
    el.remove();
    await until(async () => (await s.requests('status'))[0].abandoned, 'the hanging request was aborted');
  });

  it('moving the element in the DOM keeps the payment going', async () => {
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    elsewhere.append(el);
    await s.script({ status: [{ body: { status: 'succeeded' } }] });
    await until(() => el.status === 'succeeded', 'success after the move');
    expect(await s.requests('create')).to.have.length(1);
    elsewhere.remove();
  });

  it('removal during creation aborts the request; reconnecting sends it again under the same key', async () => {
    const s = await scenario({ create: [{ hang: true }, { status: 201 }] });
    const { el, container, events } = await mount({ sessionUrl: s.sessionUrl });
    await until(async () => (await s.requests('create')).length === 1, 'create sent');
    el.remove();
    await sleep(100);
    expect(await s.requests('create')).to.have.length(1);
    container.append(el);
    await waitForEvent(events, 'alipayhk-ready');
    const creates = await s.requests('create');
    expect(creates).to.have.length(2);
    expect(creates[1].headers['idempotency-key']).to.equal(creates[0].headers['idempotency-key']);
  });
});
