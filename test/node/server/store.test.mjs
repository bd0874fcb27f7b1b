import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from '../../../dist/server/index.js';

describe('memoryStore: get / create / updateIfVersion / TTL', () => {
  it('creates once, then only updates at the expected version', async () => {
    const store = memoryStore();
    assert.equal(await store.create('k', { n: 1 }, 1000), true);
    assert.equal(await store.create('k', { n: 2 }, 1000), false);
    assert.deepEqual(await store.get('k'), { value: { n: 1 }, version: 1 });
    assert.equal(await store.updateIfVersion('k', 2, { n: 3 }, 1000), false);
    assert.equal(await store.updateIfVersion('k', 1, { n: 3 }, 1000), true);
    assert.deepEqual(await store.get('k'), { value: { n: 3 }, version: 2 });
    assert.equal(await store.updateIfVersion('missing', 1, {}, 1000), false);
  });

  it('forgets entries after their TTL', async () => {
    let now = 0;
    const store = memoryStore({ now: () => now });
    await store.create('k', 'v', 100);
    now = 99;
    assert.equal((await store.get('k'))?.value, 'v');
    now = 100;
    assert.equal(await store.get('k'), undefined);
    assert.equal(await store.create('k', 'again', 100), true);
  });

  it('hands out copies, never its own objects', async () => {
    const store = memoryStore();
    const value = { list: [1] };
    await store.create('k', value, 1000);
    value.list.push(2);
    const read = await store.get('k');
    read.value.list.push(3);
    assert.deepEqual((await store.get('k')).value, { list: [1] });
  });
});
