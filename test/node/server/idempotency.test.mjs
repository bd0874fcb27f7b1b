// An Idempotency-Key names one attempt to create a session (SPEC §7, issue 10): the same key with
// another body is refused, concurrent requests wait for the one that works without polling the
// store, order() runs once, and a refused attempt keeps nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore, OrderError } from '../../../dist/server/index.js';
import { idempotentAttempts } from '../../../dist/server/idempotency.js';
import { countingStore, DESKTOP, IPHONE, startMerchant } from './helpers.mjs';

const until = async (condition) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

/** A shop whose order() waits at a gate the test opens, counting its calls. */
async function gatedShop(extra = {}) {
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  const calls = { order: 0 };
  const store = countingStore(memoryStore());
  const shop = await startMerchant({
    store,
    async order() {
      calls.order += 1;
      await gate;
      return { amount: { value: 12345, currency: 'HKD' }, reference: 'A-1001' };
    },
    ...extra,
  });
  return Object.assign(shop, { open, calls, store });
}

describe('concurrent creates with one key', () => {
  it('200 at once while order() is slow: order() runs once, one payment, one session for all, and no store reads while they wait', { timeout: 60_000 }, async () => {
    const shop = await gatedShop();
    try {
      const key = crypto.randomUUID();
      const answers = Promise.all(Array.from({ length: 200 }, () => shop.create({ key })));
      await until(() => shop.received === 200 && shop.calls.order === 1);
      const readsWhileWaiting = shop.store.counts.get;
      await new Promise((resolve) => setTimeout(resolve, 300)); // any polling would show here
      assert.equal(shop.store.counts.get, readsWhileWaiting);
      shop.open();
      const settled = await answers;
      assert.equal(new Set(settled.map((a) => a.body.id)).size, 1);
      assert.deepEqual(settled.map((a) => a.status).sort(), [201, ...Array(199).fill(200)].sort());
      assert.equal(shop.calls.order, 1);
      assert.equal(shop.sandbox.payments().length, 1);
      assert.ok(shop.store.counts.get <= 10, `${shop.store.counts.get} store reads`);
    } finally {
      await shop.close();
    }
  });

  it('the key sent again after the session exists answers it without running order() again', async () => {
    const shop = await gatedShop();
    try {
      shop.open();
      const key = crypto.randomUUID();
      const first = await shop.create({ key });
      const again = await shop.create({ key });
      assert.deepEqual([first.status, again.status], [201, 200]);
      assert.equal(again.body.id, first.body.id);
      assert.equal(shop.calls.order, 1);
    } finally {
      await shop.close();
    }
  });
});

describe('the same key with another body: 422 idempotency_key_reused', () => {
  it('after the first finished: another context, another environment', async () => {
    const shop = await gatedShop();
    try {
      shop.open();
      const key = crypto.randomUUID();
      const first = await shop.create({ key, context: { orderId: 'A-1' } });
      assert.equal(first.status, 201);
      for (const other of [{ context: { orderId: 'A-2' } }, { context: { orderId: 'A-1' }, environment: IPHONE }]) {
        const answer = await shop.create({ key, ...other });
        assert.equal(answer.status, 422);
        assert.equal(answer.body.code, 'idempotency_key_reused');
      }
      assert.equal(shop.sandbox.payments().length, 1);
    } finally {
      await shop.close();
    }
  });

  it('while the first is still working', async () => {
    const shop = await gatedShop();
    try {
      const key = crypto.randomUUID();
      const first = shop.create({ key, context: { orderId: 'A-1' } });
      await until(() => shop.calls.order === 1);
      const other = await shop.create({ key, context: { orderId: 'A-2' } }); // answered before the gate opens
      assert.deepEqual([other.status, other.body.code], [422, 'idempotency_key_reused']);
      shop.open();
      assert.equal((await first).status, 201);
    } finally {
      await shop.close();
    }
  });

  it('the same body with its keys in another order is the same request', async () => {
    const shop = await gatedShop();
    try {
      shop.open();
      const key = crypto.randomUUID();
      const send = (body) => fetch(`${shop.url}/api/alipayhk/sessions`, { method: 'POST', headers: { 'Idempotency-Key': key }, body }).then((r) => r.status);
      assert.equal(await send(JSON.stringify({ environment: DESKTOP, locale: 'en', context: { a: 1, b: 2 } })), 201);
      const reordered = { context: { b: 2, a: 1 }, locale: 'en', environment: Object.fromEntries(Object.entries(DESKTOP).reverse()) };
      assert.equal(await send(JSON.stringify(reordered, null, 2)), 200);
    } finally {
      await shop.close();
    }
  });
});

describe('a refused create keeps nothing', () => {
  it("order() refusing: nothing is kept past a moment, and the key is free for the page's next try", async () => {
    const store = countingStore(memoryStore());
    let refuse = true;
    const shop = await startMerchant({
      store,
      order: ({ context }) => {
        if (refuse) throw new OrderError('Out of stock', 409, 'out_of_stock');
        return { amount: { value: 12345, currency: 'HKD' }, reference: String(context?.orderId) };
      },
    });
    try {
      const keys = Array.from({ length: 100 }, () => crypto.randomUUID());
      for (const key of keys) assert.equal((await shop.create({ key })).status, 409);
      // Every write the refused creates made is gone within a second (the lease while working, then 1 ms).
      assert.ok(store.lastTtl.size > 0);
      for (const [storeKey, ttl] of store.lastTtl) assert.ok(ttl <= 1000, `${storeKey} kept for ${ttl} ms`);
      refuse = false;
      const retry = await shop.create({ key: keys[0], context: { orderId: 'A-2' } });
      assert.equal(retry.status, 201);
    } finally {
      await shop.close();
    }
  });
});

describe('the lease of a working claim', () => {
  // The store's clock is ours: a lease lapses when we say so, without waiting for it.
  const setup = () => {
    let clock = 1_000_000;
    const store = countingStore(memoryStore({ now: () => clock }));
    const warnings = [];
    const attemptsOf = (name) =>
      idempotentAttempts({
        store, namespace: 'test', doneTtlMs: 60_000, leaseMs: 300, waitMs: 2_000,
        newSessionId: () => `cs_${name}_${crypto.randomUUID()}`, leftNothing: () => false, logger: { warn: (m) => warnings.push(m) },
      });
    return { store, warnings, attemptsOf, advance: (ms) => (clock += ms) };
  };
  const gate = () => {
    let open;
    const opened = new Promise((resolve) => (open = resolve));
    return { opened, open };
  };

  it('an owner whose lease lapsed never writes over the next owner: the key ends with the next owner\'s session', async () => {
    const { store, warnings, attemptsOf, advance } = setup();
    const [a, b] = [gate(), gate()];
    const sessions = new Map();
    const load = async (id) => sessions.get(id);
    const work = (g) => async (claim) => {
      await g.opened;
      sessions.set(claim.sessionId, claim.sessionId);
      return claim.sessionId;
    };
    const first = attemptsOf('a').run('key-1', 'fp', work(a), load);
    await until(() => store.counts.create === 1);
    advance(1000); // A's process stalls past its lease
    const second = attemptsOf('b').run('key-1', 'fp', work(b), load);
    await until(() => store.counts.create === 2);
    const writes = store.counts.get + store.counts.updateIfVersion;
    await until(() => store.counts.get + store.counts.updateIfVersion >= writes + 5); // renewals came and went: B twice, A at least once
    a.open();
    b.open();
    const [fromA, fromB] = await Promise.all([first, second]);
    assert.match(fromA.value, /^cs_a_/);
    assert.match(fromB.value, /^cs_b_/);
    assert.match(warnings.join('\n'), /lease lapsed/);
    const again = await attemptsOf('c').run('key-1', 'fp', work(gate()), load);
    assert.deepEqual(again, { value: fromB.value, created: false });
  });

  it('a store that fails once as the attempt ends does not make the key free: the next request gets the session', async () => {
    const { store, attemptsOf } = setup();
    const sessions = new Map();
    const update = store.updateIfVersion;
    let failures = 1;
    store.updateIfVersion = async (...args) => {
      if (failures-- > 0) throw new Error('store unavailable');
      return update(...args);
    };
    const work = async (claim) => {
      sessions.set(claim.sessionId, claim.sessionId);
      return claim.sessionId;
    };
    const first = await attemptsOf('a').run('key-2', 'fp', work, async (id) => sessions.get(id));
    let ranAgain = false;
    const again = await attemptsOf('a').run('key-2', 'fp', async () => ((ranAgain = true), 'x'), async (id) => sessions.get(id));
    assert.deepEqual([again.value, again.created, ranAgain], [first.value, false, false]);
  });
});
