// tab-presence.ts: two tabs on one session find each other (two BroadcastChannels on one page
// stand in for two tabs); anything else on the channel is ignored.
import { expect, waitUntil } from '@open-wc/testing';
import { watchForOtherTabs } from '../../../src/lib/tab-presence.js';

describe('tab presence', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  it('a second tab on the same session is found by both, once each', async () => {
    const seen: string[] = [];
    stops.push(watchForOtherTabs('cs_1', () => seen.push('first')));
    stops.push(watchForOtherTabs('cs_1', () => seen.push('second')));
    await waitUntil(() => seen.length === 2, 'both tabs heard of the other');
    expect(seen.sort()).to.deep.equal(['first', 'second']);
  });

  it('tabs on other sessions, stopped watchers and junk on the channel are ignored', async () => {
    const seen: string[] = [];
    stops.push(watchForOtherTabs('cs_a', () => seen.push('a')));
    const stopped = watchForOtherTabs('cs_gone', () => seen.push('gone'));
    stopped();
    stops.push(watchForOtherTabs('cs_b', () => seen.push('b')));
    const stranger = new BroadcastChannel('alipayhk-checkout:presence');
    for (const junk of [null, 'cs_a', ['cs_a'], { hello: ['cs_a'] }, { hello: 'cs_a ' }, { hello: 42 }, { here: 'CS_A' }, { here: 'cs_gone' }]) stranger.postMessage(junk);
    // The channel delivers in order: once the stranger's last word (a real hello for cs_b) has
    // been heard, everything before it was heard too.
    stranger.postMessage({ hello: 'cs_b' });
    await waitUntil(() => seen.includes('b'), 'the real hello was heard');
    stranger.close();
    expect(seen).to.deep.equal(['b']);
  });
});
