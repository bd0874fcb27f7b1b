// The SessionStore contract, run against every store (memoryStore, redisStore): the handler's
// idempotency and forward-only status rely on exactly these answers.
import assert from 'node:assert/strict';
import { it } from 'node:test';

/** Registers the contract's tests; `newStore()` gives an empty store each time. */
export function storeContract(newStore) {
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

  it('hands out copies, never its own objects', async () => {
    const store = await newStore();
    const value = { list: [1] };
    await store.create('k', value, 10_000);
    value.list.push(2);
    const read = await store.get('k');
    read.value.list.push(3);
    assert.deepEqual((await store.get('k')).value, { list: [1] });
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
}
