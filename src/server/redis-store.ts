// A SessionStore on Redis, so that several server processes can serve one shop: a session
// created by one, a webhook taken by another and a status asked of a third all see one record.
// Each operation is one Lua script, so that "create if absent" and "update if the version is
// still N" are atomic across processes. Takes a connected node-redis client (npm `redis`), or a
// connected cluster client (`createCluster`, with `cluster: true`).
//
// Redis Cluster runs a script on the node that holds its keys, and refuses one whose keys lie in
// different hash slots. Every script here touches exactly one key, KEYS[1], so any key will do. A
// script that ever touches two keys of a session must put them in one slot with a hash tag of
// the session's id (`session:{cs_…}` and `lease:reconcile:{cs_…}` both hash only `cs_…`).
//
// Pub/sub (how a status change reaches the streams every process holds): PUBLISH on the client,
// and the subscriptions on a second connection, since a node-redis connection that subscribes
// does nothing else. On a cluster, sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7): a message goes
// to the shard that owns its channel's slot instead of to every node, and the cluster client
// keeps its own subscription connection per shard. Each channel is subscribed once per store and
// fanned out here, so that node-redis sees one listener per channel whatever comes and goes.
// Redis delivers at most once: a message published while a subscription connection reconnects
// (node-redis subscribes again by itself) is lost, so a stream must not rely on it alone.
import type { Logger } from './providers/types.js';
import type { SessionStore, Versioned } from './store.js';

/**
 * A message listener as node-redis calls it: a string (the store subscribes in string mode),
 * typed to take a Buffer too because the cluster client's `unsubscribe` says so.
 */
export type RedisMessageListener = (message: string | Buffer, channel: string | Buffer) => unknown;

/** The subscribing methods of a node-redis client or cluster client (v4/v5). */
export interface RedisSubscriber {
  subscribe(channel: string, listener: RedisMessageListener): Promise<unknown>;
  unsubscribe(channel: string, listener: RedisMessageListener): Promise<unknown>;
  /** Sharded pub/sub (Redis 7, node-redis 4.6 on): what `cluster: true` uses. */
  sSubscribe?(channel: string, listener: RedisMessageListener): Promise<unknown>;
  sUnsubscribe?(channel: string, listener: RedisMessageListener): Promise<unknown>;
}

/** A connection from `client.duplicate()`, which this store opens and closes itself. */
export interface RedisSubscriberConnection extends RedisSubscriber {
  connect(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** node-redis 5. */
  close?(): Promise<unknown>;
  /** node-redis 4 (5 has it too, deprecated). */
  disconnect?(): Promise<unknown>;
}

/** The methods of a node-redis client or cluster client (v4/v5) that this store uses. */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  /** With `cluster: true`: sharded pub/sub, on the client itself. */
  sPublish?(channel: string, message: string): Promise<unknown>;
  sSubscribe?(channel: string, listener: RedisMessageListener): Promise<unknown>;
  sUnsubscribe?(channel: string, listener: RedisMessageListener): Promise<unknown>;
  /** A new, unconnected connection with the client's options: the subscription connection. */
  duplicate?(): RedisSubscriberConnection;
}

export interface RedisStoreOptions {
  /** Put before every key and channel name (default `alipayhk:`). */
  prefix?: string;
  /**
   * The client is a cluster client (`createCluster`): pub/sub is sharded (SPUBLISH/SSUBSCRIBE,
   * Redis 7) and the subscriptions are the cluster client's own. Said, not detected: both kinds of
   * client have `sPublish`, a single Redis before 7 has no SPUBLISH, and `instanceof` fails when
   * two copies of `@redis/client` are installed.
   */
  cluster?: boolean;
  /**
   * A connected client for the subscriptions, used for nothing else; it stays yours to close.
   * Without it, the store opens `client.duplicate()` with the first subscription and closes it
   * with the last one, or at `close()`; with `cluster: true`, the cluster client subscribes.
   */
  subscriber?: RedisSubscriber;
  /** Told when the connection the store opened for subscriptions fails (default `console`). */
  logger?: Logger;
}

export interface RedisSessionStore extends SessionStore {
  /**
   * Ends this store's subscriptions and closes the connection it opened for them (a process's
   * shutdown); later subscriptions are refused. The clients given stay open: they are yours.
   */
  close(): Promise<void>;
}

const GET = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return false end
return {v, redis.call('HGET', KEYS[1], 'd')}`;

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', 1, 'd', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

const UPDATE_IF_VERSION = `
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(ARGV[1]) + 1, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

const SCHEDULE = `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) return 1`;
const UNSCHEDULE = `redis.call('ZREM', KEYS[1], ARGV[1]) return 1`;
const DUE = `return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])`;

interface Channel {
  listeners: Set<(message: string) => void>;
  /** The one listener node-redis has for the channel. */
  dispatch: RedisMessageListener;
}

export function redisStore(client: RedisEvalClient, options: RedisStoreOptions = {}): RedisSessionStore {
  const prefix = options.prefix ?? 'alipayhk:';
  const sharded = options.cluster === true;
  const logger = options.logger ?? console;
  const ttl = (ms: number) => String(Math.max(1, Math.ceil(ms)));
  const given = options.subscriber ?? (sharded ? client : undefined);
  if (sharded && (typeof client.sPublish !== 'function' || typeof given?.sSubscribe !== 'function' || typeof given.sUnsubscribe !== 'function')) {
    throw new TypeError('redisStore: `cluster: true` needs sharded pub/sub (sPublish, sSubscribe: node-redis 4.6 or later)');
  }

  const channels = new Map<string, Channel>();
  /** The connection opened for subscriptions, while one is open. */
  let opened: RedisSubscriberConnection | undefined;
  let closed = false;
  // Subscribing, unsubscribing and closing run one at a time: a connection is never closed under
  // a subscription being made, and a channel is never unsubscribed under one being added.
  let queue: Promise<unknown> = Promise.resolve();
  function serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = queue.then(operation);
    queue = result.catch(() => undefined);
    return result;
  }

  function on(target: RedisSubscriber | RedisEvalClient, name: string, dispatch: RedisMessageListener): Promise<unknown> {
    return sharded ? target.sSubscribe!(name, dispatch) : (target as RedisSubscriber).subscribe(name, dispatch);
  }
  function off(target: RedisSubscriber | RedisEvalClient, name: string, dispatch: RedisMessageListener): Promise<unknown> {
    return sharded ? target.sUnsubscribe!(name, dispatch) : (target as RedisSubscriber).unsubscribe(name, dispatch);
  }

  async function open(): Promise<RedisSubscriber | RedisEvalClient> {
    if (given) return given;
    if (opened) return opened;
    if (typeof client.duplicate !== 'function') throw new TypeError('redisStore: subscribing needs `client.duplicate()` or a `subscriber`');
    const connection = client.duplicate();
    // node-redis reconnects by itself (and subscribes again); an 'error' with no listener would throw.
    connection.on('error', (error) => logger.warn(`alipayhk-checkout: Redis subscription connection: ${error.message}`));
    await connection.connect();
    opened = connection;
    return connection;
  }

  async function closeOpened(): Promise<void> {
    const connection = opened;
    opened = undefined;
    // Closing the connection ends its subscriptions on the server too.
    await (connection?.close ? connection.close() : connection?.disconnect?.());
  }

  function deliver(listener: (message: string) => void, message: string): void {
    try {
      listener(message);
    } catch (error) {
      // The listener's failure, not the connection's: thrown outside node-redis's reply parser.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  return {
    async get<T>(key: string): Promise<Versioned<T> | undefined> {
      const reply = (await client.eval(GET, { keys: [prefix + key], arguments: [] })) as [string, string] | null;
      return reply ? { version: Number(reply[0]), value: JSON.parse(reply[1]) as T } : undefined;
    },
    async create<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
      return (await client.eval(CREATE, { keys: [prefix + key], arguments: [JSON.stringify(value), ttl(ttlMs)] })) === 1;
    },
    async updateIfVersion<T>(key: string, expectedVersion: number, value: T, ttlMs: number): Promise<boolean> {
      const reply = await client.eval(UPDATE_IF_VERSION, { keys: [prefix + key], arguments: [String(expectedVersion), JSON.stringify(value), ttl(ttlMs)] });
      return reply === 1;
    },
    async schedule(list: string, member: string, atMs: number): Promise<void> {
      await client.eval(SCHEDULE, { keys: [prefix + list], arguments: [String(Math.floor(atMs)), member] });
    },
    async unschedule(list: string, member: string): Promise<void> {
      await client.eval(UNSCHEDULE, { keys: [prefix + list], arguments: [member] });
    },
    async due(list: string, atMs: number, limit: number): Promise<string[]> {
      const reply = await client.eval(DUE, { keys: [prefix + list], arguments: [String(Math.floor(atMs)), String(limit)] });
      return Array.isArray(reply) ? reply.map(String) : [];
    },

    async publish(channel: string, message: string): Promise<void> {
      await (sharded ? client.sPublish!(prefix + channel, message) : client.publish(prefix + channel, message));
    },

    async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
      const name = prefix + channel;
      // A fresh function per subscription, so that subscribing twice is two subscriptions.
      const mine = (message: string) => listener(message);
      await serially(async () => {
        if (closed) throw new Error('redisStore: subscribe after close()');
        let entry = channels.get(name);
        if (!entry) {
          const listeners = new Set<(message: string) => void>();
          const dispatch = (message: string | Buffer) => {
            for (const each of [...listeners]) deliver(each, message.toString());
          };
          try {
            await on(await open(), name, dispatch);
          } catch (error) {
            if (channels.size === 0) await closeOpened().catch(() => undefined);
            throw error;
          }
          entry = { listeners, dispatch };
          channels.set(name, entry);
        }
        entry.listeners.add(mine);
      });

      let ended = false;
      return () => {
        if (ended) return Promise.resolve();
        ended = true;
        return serially(async () => {
          const entry = channels.get(name);
          if (!entry?.listeners.delete(mine) || entry.listeners.size > 0) return;
          channels.delete(name);
          // The last channel on the store's own connection: closing it is the unsubscribe.
          if (opened && channels.size === 0) return closeOpened();
          try {
            await off(given ?? opened!, name, entry.dispatch);
          } catch (error) {
            // Nothing reaches the listeners any more; the server forgets it when the connection goes.
            logger.warn(`alipayhk-checkout: unsubscribing from ${name}: ${(error as Error).message}`);
          }
        });
      };
    },

    close(): Promise<void> {
      return serially(async () => {
        closed = true;
        const ending = [...channels];
        channels.clear();
        if (opened) return closeOpened();
        for (const [name, entry] of ending) await off(given!, name, entry.dispatch).catch(() => undefined);
      });
    },
  };
}
