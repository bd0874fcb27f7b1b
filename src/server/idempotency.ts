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
  /**
   * Whose claim this is: made anew by each claim and takeover, and checked before every write, so
   * that an owner whose lease lapsed never writes over the next owner's record (a version alone
   * would not tell: a record created again starts at version 1 again).
   */
  token: string;
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
  /**
   * True when a failed attempt leaves nothing at the provider that a retry could get back (a
   * refusal, or a payment that was not this order's): then it is forgotten at once.
   */
  leftNothing(error: unknown): boolean;
  logger: Pick<Console, 'warn'>;
  /** The session id of what `work` gave (it may be another session than the claim's: the order's payable one). */
  idOf?(value: unknown): string;
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
/** How many times a write of the attempt's record is tried when the store fails. */
const WRITE_TRIES = 3;

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

  /**
   * Writes the attempt's record if the claim is still this owner's (same token). 'lost' when
   * another owner has it (this one's lease lapsed), 'failed' when the store kept failing.
   */
  async function writeIfMine(recordKey: string, record: AttemptRecord, ttlMs: number): Promise<'written' | 'lost' | 'failed'> {
    for (let tries = 1; tries <= WRITE_TRIES; tries++) {
      try {
        const current = await store.get<AttemptRecord>(recordKey);
        if (!current || current.value.token !== record.token) return 'lost';
        if (await store.updateIfVersion(recordKey, current.version, record, ttlMs)) return 'written';
      } catch {
        await sleep(FIRST_PAUSE_MS * tries);
      }
    }
    return 'failed';
  }

  async function own(recordKey: string, record: AttemptRecord, work: (claim: Claim) => Promise<T>): Promise<AttemptResult<T>> {
    let lost = false;
    // Renewals run one after another, each only while the claim is still this owner's.
    let renewals: Promise<unknown> = Promise.resolve();
    const renewer = setInterval(() => {
      renewals = renewals.then(async () => {
        if (lost) return;
        const outcome = await writeIfMine(recordKey, record, leaseMs);
        if (outcome === 'lost') lost = true;
      });
    }, leaseMs / 3);
    renewer.unref?.();
    const stopRenewing = async () => {
      clearInterval(renewer);
      await renewals;
    };
    /** The attempt's last write; when it cannot be made, the key is free again after one lease. */
    const settle = async (next: AttemptRecord, ttlMs: number) => {
      const outcome = lost ? 'lost' : await writeIfMine(recordKey, next, ttlMs);
      if (outcome !== 'written') {
        options.logger.warn(
          `alipayhk-checkout: the record of an Idempotency-Key attempt (session ${record.sessionId}) could not be written (${outcome === 'lost' ? 'its lease lapsed and another request took it over' : 'the store failed'})`,
        );
      }
    };
    const claim = { sessionId: record.sessionId, providerKey: record.providerKey };
    try {
      const value = await work(claim);
      await stopRenewing();
      const sessionId = options.idOf?.(value) ?? record.sessionId;
      await settle({ ...record, state: 'done', sessionId }, options.doneTtlMs);
      // Another session may have been the answer (the order's payable one): then nothing was created.
      return { value, created: sessionId === record.sessionId };
    } catch (error) {
      await stopRenewing();
      if (options.leftNothing(error)) await settle(record, FORGET_TTL_MS);
      else await settle({ ...record, state: 'failed' }, Math.min(FAILED_ATTEMPT_TTL_MS, options.doneTtlMs));
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
        const claim: AttemptRecord = { state: 'working', fingerprint, sessionId: options.newSessionId(), providerKey: randomUUID(), token: randomUUID() };
        if (await store.create(recordKey, claim, leaseMs)) return own(recordKey, claim, work);
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
        // Failed, or done with its session gone: take it over with the same ids. Where the provider
        // has an idempotency key (Checkout.com, NomuPay), it gives back the payment the earlier
        // attempt may have made; where it has none, the same reference goes again, which Worldpay
        // refuses as a duplicate rather than make a second payment.
        const claim: AttemptRecord = { ...record, state: 'working', token: randomUUID() };
        if (await store.updateIfVersion(recordKey, current.version, claim, leaseMs)) return own(recordKey, claim, work);
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
