// Where sessions live between the create request, the polls and the webhooks. The interface is
// small enough for a shared store (Redis: GET, SET NX PX, and a WATCH/MULTI or Lua
// compare-and-set) so that several server processes can serve one shop; memoryStore() is the
// default for one process.

export interface Versioned<T> {
  value: T;
  /** Increases by one with every successful write. */
  version: number;
}

export interface SessionStore {
  /**
   * The value and its version. Read-only to the caller: a store may hand every reader the same
   * frozen object (the memory store does, so that a status poll costs no copy), and what a caller
   * does to it never changes what the store holds.
   */
  get<T>(key: string): Promise<Versioned<Readonly<T>> | undefined>;
  /** Writes `value` at version 1 only if `key` is absent; false when it exists. */
  create<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /** Writes `value` only if the stored version is `expectedVersion`; false when it moved on. */
  updateIfVersion<T>(key: string, expectedVersion: number, value: T, ttlMs: number): Promise<boolean>;
  /**
   * Puts `member` on the list `list` to be looked at from `atMs` on (or moves it there): the
   * reconciler's list of sessions that need attention (a sorted set in Redis).
   */
  schedule(list: string, member: string, atMs: number): Promise<void>;
  /** Takes `member` off the list. */
  unschedule(list: string, member: string): Promise<void>;
  /** Up to `limit` members of the list that are due at `atMs`, the most overdue first. */
  due(list: string, atMs: number, limit: number): Promise<string[]>;
  /**
   * Delivers `message` to every subscriber of `channel`, in every process that shares the store
   * (this one included), once. How a status change reaches the streams other processes hold.
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `listener` with each message published on `channel` from now on. Resolves once the
   * subscription is in place, to the function that ends it. A process keeps one per channel.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}

interface Entry {
  /** A deep-frozen copy of what was written, as JSON would bring it back. */
  value: unknown;
  version: number;
  expiresAtMs: number;
}

/**
 * Freezes a JSON value throughout (JSON.parse builds a tree: no cycles, no shared parts), so
 * that a store can hand the same object to every reader.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** A copy of `value` as JSON would store and bring it back (no undefined, Dates as strings), frozen. */
function frozenCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/**
 * An in-process store. Each value is kept as a frozen copy of what was written (JSON's copy, as a
 * shared store would bring it back) and handed out as it is: callers never share a mutable
 * object with it, and a read copies nothing. The status route reads a session on every poll:
 * a JSON.parse there was a sixth of its time (issue 14, `npm run bench:server`).
 */
export function memoryStore(options: { now?: () => number } = {}): SessionStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const lists = new Map<string, Map<string, number>>();
  const subscribers = new Map<string, Set<(message: string) => void>>();
  let writesSinceSweep = 0;

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAtMs <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep(): void {
    if (++writesSinceSweep < 1000) return;
    writesSinceSweep = 0;
    const time = now();
    for (const [key, entry] of entries) if (entry.expiresAtMs <= time) entries.delete(key);
  }

  return {
    async get<T>(key: string) {
      const entry = live(key);
      return entry ? { value: entry.value as T, version: entry.version } : undefined;
    },
    async create<T>(key: string, value: T, ttlMs: number) {
      if (live(key)) return false;
      entries.set(key, { value: frozenCopy(value), version: 1, expiresAtMs: now() + ttlMs });
      sweep();
      return true;
    },
    async updateIfVersion<T>(key: string, expectedVersion: number, value: T, ttlMs: number) {
      const entry = live(key);
      if (!entry || entry.version !== expectedVersion) return false;
      entries.set(key, { value: frozenCopy(value), version: expectedVersion + 1, expiresAtMs: now() + ttlMs });
      sweep();
      return true;
    },
    async schedule(list: string, member: string, atMs: number) {
      const members = lists.get(list) ?? new Map<string, number>();
      lists.set(list, members);
      members.set(member, atMs);
    },
    async unschedule(list: string, member: string) {
      lists.get(list)?.delete(member);
    },
    async due(list: string, atMs: number, limit: number) {
      const members = [...(lists.get(list) ?? [])].filter(([, at]) => at <= atMs);
      return members
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([member]) => member);
    },
    async publish(channel: string, message: string) {
      // Later, as a message from another process would arrive: never inside the publisher's call.
      for (const listener of subscribers.get(channel) ?? []) queueMicrotask(() => listener(message));
    },
    async subscribe(channel: string, listener: (message: string) => void) {
      // A fresh function per subscription, so that subscribing twice is two subscriptions.
      const mine = (message: string) => listener(message);
      const set = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, set.add(mine));
      return async () => void set.delete(mine);
    },
  };
}
