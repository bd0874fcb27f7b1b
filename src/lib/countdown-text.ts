// What the countdown says. On screen it changes every second, but a screen reader must not read
// it out every second (SPEC §2): its own polite region carries the time rounded up to the cadence,
// so that the region's text, and with it the announcement, changes every 3 minutes while over
// 5 minutes remain, every minute from 5 minutes, and every 30 s in the last minute.

/** Time left on a countdown, as "4:59". */
export function formatRemaining(ms: number): string {
  const totalSeconds = Math.ceil(ms / 1000);
  return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, '0')}`;
}

/** The remaining time to announce: `remainingMs` rounded up to the cadence for that much time. */
export function announcedRemainingMs(remainingMs: number): number {
  const step = remainingMs > 300_000 ? 180_000 : remainingMs > 60_000 ? 60_000 : 30_000;
  return Math.ceil(remainingMs / step) * step;
}
