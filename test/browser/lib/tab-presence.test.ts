// tab-presence.ts: two tabs on one session find each other and hear each other's outcome (two
// BroadcastChannels on one page stand in for two tabs); anything else on the channel is ignored.
import { expect, waitUntil as waitUntilWithin } from '@open-wc/testing';
import { watchForOtherTabs, type TabPresence } from '../../../src/lib/tab-presence.js';
import type { StatusResult } from '../../../src/lib/status.js';

/** open-wc's waitUntil, given 5 s instead of its 1 s: lock grants and channel messages on a loaded 2-core machine. */
const waitUntil = (predicate: () => unknown, message: string) => waitUntilWithin(predicate, message, { timeout: 5000 });

describe('SPEC §6a tab presence', () => {
  const watchers: TabPresence[] = [];
  afterEach(() => watchers.splice(0).forEach((watcher) => watcher.stop()));
  const watch = (id: string, onOther: () => void, onResult: (r: StatusResult) => void = () => {}) => {
    const watcher = watchForOtherTabs(id, onOther, onResult);
    watchers.push(watcher);
    return watcher;
  };

  it('a second tab on the same session is found by both, once each', async () => {
    const seen: string[] = [];
    watch('cs_1', () => seen.push('first'));
    watch('cs_1', () => seen.push('second'));
    await waitUntil(() => seen.length === 2, 'both tabs heard of the other');
    // A third tab: the first two hear of it too, but each calls back only once.
    const third: string[] = [];
    watch('cs_1', () => third.push('third'));
    await waitUntil(() => third.length === 1, 'the third tab heard of the others');
    expect(seen.sort()).to.deep.equal(['first', 'second']);
  });

  it('an outcome one tab posts reaches the others on that session, read as a status response', async () => {
    const heard: StatusResult[] = [];
    const other: StatusResult[] = [];
    const first = watch('cs_2', () => {});
    watch('cs_2', () => {}, (result) => heard.push(result));
    watch('cs_3', () => {}, (result) => other.push(result));
    first.publish({ status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'x'.repeat(5000) });
    await waitUntil(() => heard.length === 1, 'the outcome reached the other tab');
    expect(heard[0]).to.deep.equal({ status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'x'.repeat(200) });
    expect(other).to.deep.equal([]);
  });

  it('tabs on other sessions, stopped watchers and junk on the channel are ignored', async () => {
    const seen: string[] = [];
    const results: StatusResult[] = [];
    watch('cs_a', () => seen.push('a'), (result) => results.push(result));
    watchForOtherTabs('cs_gone', () => seen.push('gone'), () => seen.push('gone result')).stop();
    watch('cs_b', () => seen.push('b'));
    const stranger = new BroadcastChannel('alipayhk-checkout:presence');
    for (const junk of [
      null, 'cs_a', ['cs_a'], { hello: ['cs_a'] }, { hello: 'cs_a ' }, { hello: 42 }, { here: 'CS_A' }, { here: 'cs_gone' },
      { sessionId: 'cs_a', status: 'pending' }, { sessionId: 'cs_a', status: 'paid' }, { sessionId: 'cs_a' }, { sessionId: ['cs_a'], status: 'succeeded' },
      { sessionId: 'cs_gone', status: 'succeeded' }, { sessionId: 'cs_a', status: 'SUCCEEDED' }, { sessionId: 'cs_a', status: ['succeeded'] },
      Object.assign([{ status: 'succeeded' }], { sessionId: 'cs_a', status: 'succeeded' }), ['cs_a', 'succeeded'], undefined, 42,
      new Map([['sessionId', 'cs_a'], ['status', 'succeeded']]), { __proto__: { sessionId: 'cs_a', status: 'succeeded' } },
      JSON.parse('{"__proto__": {"sessionId": "cs_a", "status": "succeeded"}}'), { status: 'succeeded' },
    ]) stranger.postMessage(junk);
    // The channel delivers in order: once the stranger's last word (a real hello for cs_b) has
    // been heard, everything before it was heard too.
    stranger.postMessage({ hello: 'cs_b' });
    await waitUntil(() => seen.includes('b'), 'the real hello was heard');
    stranger.close();
    expect(seen).to.deep.equal(['b']);
    expect(results).to.deep.equal([]);

    // A valid one is read as a status response: unknown fields and a code that is not a string dropped.
    const sender = new BroadcastChannel('alipayhk-checkout:presence');
    sender.postMessage({ sessionId: 'cs_a', status: 'failed', failureCode: 5, failureMessage: 'x', extra: '<img src=x onerror=alert(1)>' });
    await waitUntil(() => results.length === 1, 'the valid message is taken');
    sender.close();
    expect(results).to.deep.equal([{ status: 'failed', failureMessage: 'x' }]);
  });
});
