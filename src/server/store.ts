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
  get<T>(key: string): Promise<Versioned<T> | undefined>;
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
  value: string;
  version: number;
  expiresAtMs: number;
}

/** An in-process store. Values are kept as JSON so that callers never share mutable objects. */
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
      return entry ? { value: JSON.parse(entry.value) as T, version: entry.version } : undefined;
    },
    async create<T>(key: string, value: T, ttlMs: number) {
      if (live(key)) return false;
      entries.set(key, { value: JSON.stringify(value), version: 1, expiresAtMs: now() + ttlMs });
      sweep();
      return true;
    },
    async updateIfVersion<T>(key: string, expectedVersion: number, value: T, ttlMs: number) {
      const entry = live(key);
      if (!entry || entry.version !== expectedVersion) return false;
      entries.set(key, { value: JSON.stringify(value), version: expectedVersion + 1, expiresAtMs: now() + ttlMs });
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
