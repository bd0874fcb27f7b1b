// SPEC §6a: a pending session outlives the page. When the shopper reloads, or comes back from
// the AlipayHK app to this page or the return page, the element picks the same session up
// instead of creating (and maybe charging) a second one. Storage is passed in, so this stays
// DOM-free and testable; the element gives it `sessionStorage`.
import type { Environment } from './environment.js';
import type { CheckoutSession } from './session.js';

export interface ResumeRecord {
  sessionUrl: string;
  environment: Environment;
  /** The key of the create request, kept so that a reload during creation asks for the same session. */
  idempotencyKey: string;
  /** Absent while the create request is under way. */
  session?: CheckoutSession;
  /** Server time minus local time, from the session response. */
  clockSkewMs?: number;
  /** The shopper was sent to the wallet: on return, show "Confirming your payment…". */
  redirected?: boolean;
  /**
   * Of the `context` the session was made for (SPEC §6a): a page with another context (another
   * cart, another amount) does not resume it. Absent in records of earlier versions.
   */
  contextFingerprint?: string;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'alipayhk-checkout:';

export function resumeKey(sessionUrl: string): string {
  return PREFIX + sessionUrl;
}

/** Reads the record for `sessionUrl`; a missing, foreign or corrupt entry reads as none. */
export function loadResume(storage: StorageLike | undefined, sessionUrl: string): ResumeRecord | undefined {
  try {
    const text = storage?.getItem(resumeKey(sessionUrl));
    if (!text) return undefined;
    const record = JSON.parse(text) as ResumeRecord;
    if (record?.sessionUrl !== sessionUrl || typeof record.idempotencyKey !== 'string' || typeof record.environment !== 'object') {
      return undefined;
    }
    return record;
  } catch {
    return undefined;
  }
}

/** Storage can be full or denied (private modes); resuming is then lost, but paying is not. */
export function saveResume(storage: StorageLike | undefined, record: ResumeRecord): void {
  try {
    storage?.setItem(resumeKey(record.sessionUrl), JSON.stringify(record));
  } catch {
    /* see above */
  }
}

export function clearResume(storage: StorageLike | undefined, sessionUrl: string): void {
  try {
    storage?.removeItem(resumeKey(sessionUrl));
  } catch {
    /* see saveResume */
  }
}

/**
 * A short, stable digest of a page's `context`: key order does not matter, any change does.
 * (FNV-1a over sorted-key JSON: a cart's identity, not a secret.)
 */
export function contextFingerprint(context: unknown): string {
  let json: string;
  try {
    json =
      JSON.stringify(context, (_key, value: unknown) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]))
          : value,
      ) ?? 'undefined';
  } catch {
    // Not JSON (a BigInt, a cycle): the create request fails on it, and says so, a moment later.
    json = '';
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < json.length; i++) {
    hash ^= json.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${json.length.toString(36)}.${(hash >>> 0).toString(36)}`;
}
