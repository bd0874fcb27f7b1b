// redisStore on a Redis Cluster (what large merchants run: managed Redis in cluster mode): three
// local masters made with `redis-cli --cluster create`, reached with node-redis's createCluster.
// The store contract holds there too (each script's one key lives on whichever node owns its
// slot), and pub/sub is sharded: a message goes to the shard of its channel, whichever client
// publishes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, createCluster } from 'redis';
import { redisStore } from '../../../dist/server/index.js';
import { startRedisCluster } from './redis-servers.mjs';
import { pushContract } from './push-contract.mjs';
import { storeContract } from './store-contract.mjs';

let cluster;
let client;
let otherClient; // another process's cluster client: its own connections to every node
const stores = [];

before(async () => {
  cluster = await startRedisCluster(3);
  client = await createCluster({ rootNodes: cluster.rootNodes }).connect();
  otherClient = await createCluster({ rootNodes: cluster.rootNodes }).connect();
});

after(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await client?.close();
  await otherClient?.close();
  await cluster?.stop();
});

function store(on, prefix) {
  const made = redisStore(on, { prefix, cluster: true });
  stores.push(made);
  return made;
}

describe('redisStore: the SessionStore contract on a 3-node Redis Cluster', () => {
  let made = 0;
  const prefix = () => `cluster${Date.now()}-${made++}:`;
  storeContract(() => store(client, prefix()), {
    twoProcesses() {
      const shared = prefix();
      return [store(client, shared), store(otherClient, shared)];
    },
  });
});

describe('status streams on a Redis Cluster, each handler on its own cluster client (the push contract)', () => {
  let made = 0;
  pushContract(() => {
    const shared = `push${Date.now()}-${made++}:`;
    return [store(client, shared), store(otherClient, shared)];
  });
});

describe('redisStore pub/sub on a Redis Cluster', () => {
  /** Each node's own client, to ask it what it holds. */
  async function eachNode(ask) {
    const nodes = await Promise.all(cluster.urls.map((url) => createClient({ url }).connect()));
    try {
      return await Promise.all(nodes.map(ask));
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  }

  it('publishes on one client and delivers on another, sharded, on the node of each channel', async () => {
    const prefix = `shards${Date.now()}:`;
    const publisher = store(client, prefix);
    const subscriber = store(otherClient, prefix);
    // Enough channels that every one of the three nodes owns some.
    const channels = Array.from({ length: 12 }, (_, i) => `status-${i}`);
    const received = new Map(channels.map((channel) => [channel, []]));
    const ends = await Promise.all(channels.map((channel) => subscriber.subscribe(channel, (message) => received.get(channel).push(message))));

    const held = await eachNode(async (node) => ({
      sharded: await node.pubSubShardChannels(`${prefix}*`),
      plain: await node.pubSubChannels(`${prefix}*`),
    }));
    for (const { sharded, plain } of held) {
      assert.ok(sharded.length > 0, 'every node holds some of the channels');
      assert.deepEqual(plain, [], 'no plain SUBSCRIBE');
    }
    assert.deepEqual(held.flatMap(({ sharded }) => sharded).sort(), channels.map((channel) => prefix + channel).sort());

    await Promise.all(channels.map((channel) => publisher.publish(channel, `to ${channel}`)));
    const deadline = Date.now() + 5000;
    while ([...received.values()].some((messages) => messages.length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const [channel, messages] of received) assert.deepEqual(messages, [`to ${channel}`]);

    await Promise.all(ends.map((end) => end()));
    const left = await eachNode((node) => node.pubSubShardChannels(`${prefix}*`));
    assert.deepEqual(left.flat(), []);
  });

  it('refuses `cluster: true` with a client that has no sharded pub/sub', () => {
    assert.throws(() => redisStore({ eval: async () => null, publish: async () => 0 }, { cluster: true }), TypeError);
  });
});
