// The SessionStore contract, run against every store (memoryStore, redisStore): the handler's
// idempotency and forward-only status rely on exactly these answers.
import assert from 'node:assert/strict';
import { it } from 'node:test';

/** What a subscriber receives, and a wait for the n-th message (a condition, not a sleep). */
function inbox() {
  const messages = [];
  const waiting = new Set();
  return {
    messages,
    listener(message) {
      messages.push(message);
      for (const wait of waiting) wait();
    },
    until(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`${messages.length} of ${count} messages arrived: ${JSON.stringify(messages)}`));
        }, timeoutMs);
        const check = () => {
          if (messages.length < count) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve();
        };
        waiting.add(check);
        check();
      });
    },
  };
}

/**
 * Registers the contract's tests; `newStore()` gives an empty store each time.
 * `twoProcesses()` gives two stores on one empty backend, as two processes would hold it (for
 * Redis, each on its own client); by default one store twice, as in one process.
 */
export function storeContract(newStore, { twoProcesses = async () => { const store = await newStore(); return [store, store]; } } = {}) {
  it('creates once, then only updates at the expected version', async () => {
    const store = await newStore();
    assert.equal(await store.create('k', { n: 1 }, 10_000), true);
    assert.equal(await store.create('k', { n: 2 }, 10_000), false);
    assert.deepEqual(await store.get('k'), { value: { n: 1 }, version: 1 });
    assert.equal(await store.updateIfVersion('k', 2, { n: 3 }, 10_000), false);
    assert.equal(await store.updateIfVersion('k', 1, { n: 3 }, 10_000), true);
    assert.deepEqual(await store.get('k'), { value: { n: 3 }, version: 2 });
    assert.equal(await store.get('missing'), undefined);
    assert.equal(await store.updateIfVersion('missing', 1, {}, 10_000), false);
  });

  it('keeps what was written: neither the writer nor a reader changes it afterwards', async () => {
    const store = await newStore();
    const value = { list: [1], nested: { n: 1 } };
    await store.create('k', value, 10_000);
    value.list.push(2);
    value.nested.n = 2;
    const read = await store.get('k');
    // A reader's value is a copy or frozen (the memory store shares one frozen object): a change
    // either throws or stays the reader's.
    for (const change of [() => read.value.list.push(3), () => (read.value.nested.n = 3), () => (read.value.added = true)]) {
      try {
        change();
      } catch (error) {
        assert.ok(error instanceof TypeError, error);
      }
    }
    assert.deepEqual((await store.get('k')).value, { list: [1], nested: { n: 1 } });
  });

  it('of 50 concurrent writers at one version, exactly one wins', async () => {
    const store = await newStore();
    await store.create('k', 0, 10_000);
    const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => store.updateIfVersion('k', 1, i, 10_000)));
    assert.equal(wins.filter(Boolean).length, 1);
    assert.equal((await store.get('k')).version, 2);
  });

  it('lists members by when they are due, most overdue first, moves and removes them', async () => {
    const store = await newStore();
    await store.schedule('due', 'c', 3000);
    await store.schedule('due', 'a', 1000);
    await store.schedule('due', 'b', 2000);
    await store.schedule('other', 'x', 0);
    assert.deepEqual(await store.due('due', 2500, 10), ['a', 'b']);
    assert.deepEqual(await store.due('due', 5000, 2), ['a', 'b']);
    await store.schedule('due', 'a', 4000); // moved later
    await store.unschedule('due', 'b');
    assert.deepEqual(await store.due('due', 3500, 10), ['c']);
    assert.deepEqual(await store.due('due', 5000, 10), ['c', 'a']);
    assert.deepEqual(await store.due('nothing', 5000, 10), []);
  });

  it('publishes a message once to each subscriber of its channel, in this process and another, and to no other channel', async () => {
    const [here, there] = await twoProcesses();
    const [first, second, elsewhere, remote, remoteElsewhere] = [inbox(), inbox(), inbox(), inbox(), inbox()];
    const ends = await Promise.all([
      here.subscribe('status', first.listener),
      here.subscribe('status', second.listener),
      here.subscribe('other', elsewhere.listener),
      there.subscribe('status', remote.listener),
      there.subscribe('other', remoteElsewhere.listener),
    ]);
    await here.publish('status', 'from here');
    // Each process publishes: the later message arrives after any copy of the first would have.
    await there.publish('status', 'from there');
    await there.publish('other', 'another channel');
    await Promise.all([first.until(2), second.until(2), remote.until(2), elsewhere.until(1), remoteElsewhere.until(1)]);
    for (const { messages } of [first, second, remote]) assert.deepEqual(messages, ['from here', 'from there']);
    for (const { messages } of [elsewhere, remoteElsewhere]) assert.deepEqual(messages, ['another channel']);
    await Promise.all(ends.map((end) => end()));
  });

  it('delivers nothing to a subscription once it has ended, and keeps the others', async () => {
    const [here, there] = await twoProcesses();
    const [ended, kept, remote, twice] = [inbox(), inbox(), inbox(), inbox()];
    const endEnded = await here.subscribe('status', ended.listener);
    const endKept = await here.subscribe('status', kept.listener);
    const endRemote = await there.subscribe('status', remote.listener);
    // The same listener twice is two subscriptions; ending one leaves the other.
    const endTwice = await there.subscribe('status', twice.listener);
    const endTwiceAgain = await there.subscribe('status', twice.listener);
    await here.publish('status', 'one');
    await Promise.all([ended.until(1), kept.until(1), remote.until(1), twice.until(2)]);
    await endEnded();
    await endEnded(); // a second call changes nothing
    await endTwice();
    await there.publish('status', 'two');
    await Promise.all([kept.until(2), remote.until(2), twice.until(3)]);
    assert.deepEqual(ended.messages, ['one']);
    assert.deepEqual(kept.messages, ['one', 'two']);
    assert.deepEqual(twice.messages, ['one', 'one', 'two']);
    await Promise.all([endKept(), endRemote(), endTwiceAgain()]);

    // Everything ended: a new subscription works as the first did.
    const again = inbox();
    const endAgain = await here.subscribe('status', again.listener);
    await there.publish('status', 'three');
    await again.until(1);
    assert.deepEqual(again.messages, ['three']);
    assert.deepEqual(kept.messages, ['one', 'two']);
    await endAgain();
  });

  it('delivers many messages in the order they were published', async () => {
    const [here, there] = await twoProcesses();
    const [local, remote] = [inbox(), inbox()];
    const ends = [await here.subscribe('status', local.listener), await there.subscribe('status', remote.listener)];
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((message) => here.publish('status', message)));
    await Promise.all([local.until(sent.length), remote.until(sent.length)]);
    assert.deepEqual(local.messages, sent);
    assert.deepEqual(remote.messages, sent);
    await Promise.all(ends.map((end) => end()));
  });
}
