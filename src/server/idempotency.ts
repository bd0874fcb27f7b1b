// The widget's Idempotency-Key names one attempt to create a session, to this handler only: it
// is kept under the handler's own namespace and never sent to the provider. Each attempt gets a
// session id and a provider idempotency key made here, so a key that the shopper's browser (or
// anyone) sends again can only ever give back this attempt's own session.
//
// One request per key does the work (`order()`, the provider call); the others wait for it: in
// this process on its promise, in other processes (a shared store) by reading the record with a
// growing pause. The working claim is a lease that its owner renews, so a process that dies
// mid-attempt blocks the key for one lease, not for a day. A refused attempt leaves nothing.
import { createHash, randomUUID } from 'node:crypto';
import { HttpError } from './http.js';
import type { SessionStore } from './store.js';

/** What an attempt owns while it creates the session. */
export interface Claim {
  sessionId: string;
  /** The provider's idempotency key for this session: made here, never the browser's. */
  providerKey: string;
}

interface AttemptRecord extends Claim {
  state: 'working' | 'done' | 'failed';
  /** Of the create request's body: the same key sent with another body is refused. */
  fingerprint: string;
}

export interface AttemptOptions {
  store: SessionStore;
  /** Keeps this handler's keys apart from another's on a shared store. */
  namespace: string;
  /** How long a finished attempt is remembered: the session's own TTL. */
  doneTtlMs: number;
  /** A working claim lapses after this unless its owner renews it (it does, every third of it). */
  leaseMs: number;
  /** How long a request waits for another process's attempt under the same key before a 409. */
  waitMs: number;
  newSessionId(): string;
  /** True when a failed attempt left nothing at the provider (a refusal): then it is forgotten at once. */
  leftNothing(error: unknown): boolean;
}

export interface AttemptResult<T> {
  value: T;
  /** False when the value came from an earlier or concurrent request with the same key. */
  created: boolean;
}

/**
 * A failed attempt that reached the provider keeps its ids this long, so that the widget's
 * retry under the same key gets back the payment the provider may have made, not a second one.
 */
const FAILED_ATTEMPT_TTL_MS = 60 * 60_000;
/** First and longest pause between reads while another process holds the key. */
const FIRST_PAUSE_MS = 50;
const LONGEST_PAUSE_MS = 1000;
/** A record written for a moment only: how a refused attempt is forgotten (the store has no delete). */
const FORGET_TTL_MS = 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const reused = () =>
  new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was sent before with another request body; use a new key for a new attempt');

/** A digest of a JSON value that ignores the order of object keys. */
export function fingerprintOf(value: unknown): string {
  const sorted = JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
  return createHash('sha256').update(sorted ?? 'undefined').digest('base64url');
}

export function idempotentAttempts<T>(options: AttemptOptions) {
  const { store, leaseMs } = options;
  /** Attempts this process is running, by record key: its other requests wait on them. */
  const running = new Map<string, { fingerprint: string; value: Promise<T> }>();

  /** Ends the attempt's record; a store that fails here leaves the lease to lapse on its own. */
  async function settle(recordKey: string, version: number, record: AttemptRecord, ttlMs: number): Promise<void> {
    try {
      await store.updateIfVersion(recordKey, version, record, ttlMs);
    } catch {
      // The working claim expires after one lease.
    }
  }

  async function own(recordKey: string, record: AttemptRecord, version: number, work: (claim: Claim) => Promise<T>): Promise<AttemptResult<T>> {
    let current = version;
    let renewal: Promise<void> = Promise.resolve();
    const renewer = setInterval(() => {
      renewal = store.updateIfVersion(recordKey, current, record, leaseMs).then(
        (renewed) => {
          if (renewed) current += 1;
        },
        () => undefined,
      );
    }, leaseMs / 3);
    renewer.unref?.();
    const stopRenewing = async () => {
      clearInterval(renewer);
      await renewal;
    };
    const claim = { sessionId: record.sessionId, providerKey: record.providerKey };
    try {
      const value = await work(claim);
      await stopRenewing();
      await settle(recordKey, current, { ...record, state: 'done' }, options.doneTtlMs);
      return { value, created: true };
    } catch (error) {
      await stopRenewing();
      if (options.leftNothing(error)) await settle(recordKey, current, record, FORGET_TTL_MS);
      else await settle(recordKey, current, { ...record, state: 'failed' }, Math.min(FAILED_ATTEMPT_TTL_MS, options.doneTtlMs));
      throw error;
    }
  }

  async function attempt(
    recordKey: string,
    fingerprint: string,
    work: (claim: Claim) => Promise<T>,
    load: (sessionId: string) => Promise<T | undefined>,
  ): Promise<AttemptResult<T>> {
    const deadline = Date.now() + options.waitMs;
    let pause = FIRST_PAUSE_MS;
    for (;;) {
      const current = await store.get<AttemptRecord>(recordKey);
      if (!current) {
        const claim: AttemptRecord = { state: 'working', fingerprint, sessionId: options.newSessionId(), providerKey: randomUUID() };
        if (await store.create(recordKey, claim, leaseMs)) return own(recordKey, claim, 1, work);
      } else {
        const record = current.value;
        if (record.fingerprint !== fingerprint) throw reused();
        const value = record.state === 'done' ? await load(record.sessionId) : undefined;
        if (value !== undefined) return { value, created: false };
        if (record.state === 'working') {
          // Another process holds the key: read again after a pause that grows.
          if (Date.now() >= deadline) break;
          await sleep(pause);
          pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
          continue;
        }
        // Failed, or done with its session gone: take it over with the same ids, so that a payment
        // the earlier attempt made at the provider is the one the provider gives back now.
        const claim: AttemptRecord = { ...record, state: 'working' };
        if (await store.updateIfVersion(recordKey, current.version, claim, leaseMs)) return own(recordKey, claim, current.version + 1, work);
      }
      // Lost a race for the record: read it again, at once, until the wait is over.
      if (Date.now() >= deadline) break;
    }
    throw new HttpError(409, 'idempotency_conflict', 'A request with this Idempotency-Key is still in progress');
  }

  return {
    /**
     * Runs `work` once for the key (unless an earlier attempt finished: then `load` gives its
     * session) and gives every request with that key the same result.
     */
    async run(key: string, fingerprint: string, work: (claim: Claim) => Promise<T>, load: (sessionId: string) => Promise<T | undefined>): Promise<AttemptResult<T>> {
      const recordKey = `idempotency:${options.namespace}:${key}`;
      const local = running.get(recordKey);
      if (local) {
        if (local.fingerprint !== fingerprint) throw reused();
        return { value: await local.value, created: false };
      }
      const result = attempt(recordKey, fingerprint, work, load);
      const value = result.then((r) => r.value);
      value.catch(() => undefined); // each waiter sees the error itself
      running.set(recordKey, { fingerprint, value });
      try {
        return await result;
      } finally {
        running.delete(recordKey);
      }
    },
  };
}
