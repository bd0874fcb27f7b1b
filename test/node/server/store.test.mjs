import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from '../../../dist/server/index.js';
import { storeContract } from './store-contract.mjs';

describe('memoryStore: the SessionStore contract', () => {
  storeContract(() => memoryStore());

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
});
