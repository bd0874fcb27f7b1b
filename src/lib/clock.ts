// The countdown and the expiry check run on the shopper's clock, which can be minutes off.
// The server's `Date` header on the session response tells by how much.

/**
 * Server time minus local time, in ms, estimated from a response's `Date` header and the local
 * times the request was sent and answered (the server stamped it somewhere in between). `Date`
 * has whole seconds, so offsets under 1 s are treated as none.
 */
export function clockSkewMs(dateHeader: string | null | undefined, sentAtMs: number, receivedAtMs: number): number {
  if (!dateHeader) return 0;
  const serverMs = Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) return 0;
  const skew = serverMs + 500 - (sentAtMs + receivedAtMs) / 2;
  return Math.abs(skew) < 1000 ? 0 : Math.round(skew);
}

/** `expiresAt` (server time) as a local timestamp. */
export function localExpiryMs(expiresAt: string, skewMs: number): number {
  return Date.parse(expiresAt) - skewMs;
}
