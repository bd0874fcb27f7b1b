// A SessionStore on Redis, so that several server processes can serve one shop: a session
// created by one, a webhook taken by another and a status asked of a third all see one record.
// Each operation is one Lua script, so that "create if absent" and "update if the version is
// still N" are atomic across processes. Takes a connected node-redis client (npm `redis`).
import type { SessionStore, Versioned } from './store.js';

/** The one method of a node-redis client (v4/v5) that this store uses. */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
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

export function redisStore(client: RedisEvalClient, options: { prefix?: string } = {}): SessionStore {
  const prefix = options.prefix ?? 'alipayhk:';
  const ttl = (ms: number) => String(Math.max(1, Math.ceil(ms)));
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
  };
}
