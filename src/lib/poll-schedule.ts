// When to ask for the status next. Kept pure (time and randomness passed in) so that the
// schedule can be tested without waiting, and shared by every way a check can be triggered.

/** After this long, polling slows down: a shopper who has not paid in a minute is rarely seconds away. */
export const SLOW_DOWN_AFTER_MS = 60_000;
export const SLOW_DOWN_FACTOR = 5;
export const MAX_BACKOFF_MS = 30_000;
/** A `Retry-After` longer than this is cut short: the shopper is waiting. */
export const MAX_RETRY_AFTER_MS = 120_000;

export interface PollTiming {
  /** Base interval while visible (`pollInterval`). */
  intervalMs: number;
  /** Time since polling started. */
  elapsedMs: number;
  /** Transient failures in a row; 0 after a good answer. */
  consecutiveFailures: number;
  /** From the last response's `Retry-After`, when it had one. */
  retryAfterMs?: number;
  /** A number in [0, 1); `Math.random` in the element. */
  random: number;
}

/** Delay before the next status request. */
export function nextPollDelay({ intervalMs, elapsedMs, consecutiveFailures, retryAfterMs, random }: PollTiming): number {
  const base = Math.max(1, intervalMs);
  const steady = elapsedMs >= SLOW_DOWN_AFTER_MS ? base * SLOW_DOWN_FACTOR : base;
  if (consecutiveFailures <= 0) return steady;
  // Exponential back-off with "equal jitter": at least half the step, so retries from many
  // shoppers spread out without ever retrying at once.
  const exponent = Math.min(consecutiveFailures, 20);
  const step = Math.min(MAX_BACKOFF_MS, base * 2 ** exponent);
  const backoff = step / 2 + (random * step) / 2;
  const serverAsked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.max(backoff, serverAsked);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
