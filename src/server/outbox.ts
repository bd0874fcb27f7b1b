// The outbox (SPEC §7): each change of a session is written together with the duty to report it
// (`StoredSession.outbox`), and this module does the reporting: the merchant's `onStatusChange`
// for each report, oldest first, the report removed only once the hook returned; a hook that
// throws is tried again after a pause that doubles, by this process and, should it stop, by any
// process's reconciler (the session stays on the store's attention list meanwhile).
import { randomUUID } from 'node:crypto';
import type { Logger } from './providers/types.js';
import type { SessionStore } from './store.js';
import type { PaymentStatus, SessionInfo, StoredSession } from './types.js';

/** What `onStatusChange` is told: one change of one session, with an id stable across retries. */
export interface StatusChange {
  eventId: string;
  session: SessionInfo;
  previous: PaymentStatus;
}

/** The store's list of sessions that need the reconciler: open ones, and undelivered reports. */
export const ATTENTION = 'attention';
/** How long one process holds a session it reconciles, or whose reports it delivers. */
export const LEASE_MS = 60_000;
/** The longest pause between two checks of an open session, and between two deliveries of a report. */
export const LONGEST_PAUSE_MS = 30 * 60_000;
/** When another delivery of the same session is under way: look again this much later. */
const BUSY_RETRY_MS = 250;

/** Runs `work` holding a short lease on `name` in the store; false when another process holds it. */
export async function withLease(store: SessionStore, name: string, work: () => Promise<void>): Promise<boolean> {
  const key = `lease:${name}`;
  const token = randomUUID();
  if (!(await store.create(key, token, LEASE_MS))) return false;
  try {
    await work();
  } finally {
    const held = await store.get<string>(key).catch(() => undefined);
    if (held?.value === token) await store.updateIfVersion(key, held.version, token, 1).catch(() => false);
  }
  return true;
}

export interface OutboxOptions {
  store: SessionStore;
  /** The sessions' TTL. */
  ttl: number;
  sessionKey(sessionId: string): string;
  /** What the merchant's server sees of a session. */
  sessionInfo(session: StoredSession): SessionInfo;
  hook?: (change: StatusChange) => unknown;
  logger: Logger;
}

export function createOutbox(options: OutboxOptions) {
  const { store, ttl, sessionKey, sessionInfo, logger } = options;
  const deliveryRetries = new Map<string, ReturnType<typeof setTimeout>>();
  /** Failed deliveries so far, by session, in this process: the pause before the next one doubles. */
  const deliveryFailures = new Map<string, number>();
  let closed = false;

  /**
   * Tells the merchant's server of the session's undelivered changes, oldest first, each removed
   * only once the hook returned. One process at a time (a lease); a hook that throws is retried
   * after a pause that doubles, by this process and, should it die, by any reconciler.
   */
  async function deliver(sessionId: string): Promise<void> {
    const hook = options.hook;
    if (!hook || closed) return;
    const delivered = await withLease(store, `deliver:${sessionId}`, async () => {
      for (;;) {
        const current = await store.get<StoredSession>(sessionKey(sessionId));
        const report = current?.value.outbox?.[0];
        if (!current || !report) {
          deliveryFailures.delete(sessionId);
          return;
        }
        try {
          // The session as it is now (a later change may be waiting behind this report).
          await hook({ eventId: report.eventId, session: sessionInfo(current.value), previous: report.previous });
        } catch (error) {
          const failures = (deliveryFailures.get(sessionId) ?? 0) + 1;
          deliveryFailures.set(sessionId, failures);
          const pauseMs = Math.min(1000 * 2 ** (failures - 1), LONGEST_PAUSE_MS);
          logger.error(`alipayhk-checkout: onStatusChange(${report.eventId}) threw (${(error as Error)?.message ?? error}); retried in ${pauseMs} ms`);
          await store.schedule(ATTENTION, sessionId, Date.now() + pauseMs);
          retryDelivery(sessionId, pauseMs);
          return;
        }
        deliveryFailures.delete(sessionId);
        await removeReport(sessionId, report.eventId);
      }
    }).catch((error) => {
      logger.error(`alipayhk-checkout: delivering the changes of ${sessionId}: ${(error as Error).message}`);
      return true;
    });
    // Another delivery holds the session: it may have looked at the outbox just before this report
    // was written. Look again in a moment rather than leave the report to the reconciler.
    if (!delivered) retryDelivery(sessionId, BUSY_RETRY_MS);
  }

  function retryDelivery(sessionId: string, pauseMs: number): void {
    if (closed) return;
    clearTimeout(deliveryRetries.get(sessionId));
    const timer = setTimeout(() => {
      deliveryRetries.delete(sessionId);
      void deliver(sessionId);
    }, pauseMs);
    timer.unref?.();
    deliveryRetries.set(sessionId, timer);
  }

  async function removeReport(sessionId: string, eventId: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await store.get<StoredSession>(sessionKey(sessionId));
      if (!current) return;
      const outbox = (current.value.outbox ?? []).filter((report) => report.eventId !== eventId);
      if (await store.updateIfVersion(sessionKey(sessionId), current.version, { ...current.value, outbox }, ttl)) return;
    }
  }

  return {
    deliver,
    /** Stops this process's retries; what they would have done is left to the reconcilers. */
    close(): void {
      closed = true;
      for (const timer of deliveryRetries.values()) clearTimeout(timer);
      deliveryRetries.clear();
    },
  };
}
