// Checks the sandbox dialects share.

/** What a provider accepts as a return or notification URL here: https, or http on loopback. */
export function isSafeUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

export function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

export function bearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer (.+)$/)?.[1];
}

/** The user and password of a Basic Authorization header. */
export function basicCredentials(header: string | undefined): [string, string] | undefined {
  const encoded = header?.match(/^Basic (.+)$/)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

/** Any http(s) URL: Worldpay's own example uses plain http return URLs. */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Minor units refunded of a payment so far. */
export function refundedOf(payment: { refunds?: number[] }): number {
  return (payment.refunds ?? []).reduce((sum, amount) => sum + amount, 0);
}

/** A paid payment's refund state, for dialects that name it in the status. */
export function refundState(payment: { outcome?: string; refunds?: number[]; amount: { value: number } }): 'none' | 'partial' | 'full' {
  const refunded = refundedOf(payment);
  if (payment.outcome !== 'approve' || refunded === 0) return 'none';
  return refunded >= payment.amount.value ? 'full' : 'partial';
}
