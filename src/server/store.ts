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
  };
}
