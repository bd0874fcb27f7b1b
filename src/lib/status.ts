// The pure half of polling (the Adyen split): what a status response means. The timing lives in
// poll-schedule.ts and the network call in the status controller.

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'expired', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** The element's own status: the payment's plus the states before and around it. */
export const CheckoutStatus = {
  idle: 'idle',
  creating: 'creating',
  pending: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
  error: 'error',
} as const;
export type CheckoutStatus = (typeof CheckoutStatus)[keyof typeof CheckoutStatus];

export interface StatusResult {
  status: PaymentStatus;
  failureCode?: string;
  failureMessage?: string;
}

/** What one status response tells the poller to do. */
export type StatusOutcome =
  | { kind: 'result'; result: StatusResult }
  | { kind: 'transient'; reason: string }
  | { kind: 'fatal'; code: 'session-not-found' | 'unauthorized'; reason: string };

export function isFinal(status: PaymentStatus): boolean {
  return status !== 'pending';
}

const MAX_REASON = 200;

function shortText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_REASON) : undefined;
}

/** Maps an HTTP status and the parsed body (or `undefined` when it was not JSON) to an outcome (SPEC §4). */
export function interpretStatusResponse(httpStatus: number, body: unknown): StatusOutcome {
  if (httpStatus === 404 || httpStatus === 410) {
    return { kind: 'fatal', code: 'session-not-found', reason: `HTTP ${httpStatus}` };
  }
  if (httpStatus === 401 || httpStatus === 403) {
    return { kind: 'fatal', code: 'unauthorized', reason: `HTTP ${httpStatus}` };
  }
  // Everything else that is not a 200 — 408, 429, 5xx, but also an unexpected 400 or a redirect
  // page — is retried: giving up could lose a payment that went through.
  if (httpStatus !== 200) return { kind: 'transient', reason: `HTTP ${httpStatus}` };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'transient', reason: 'malformed status body' };
  }
  const { status, failureCode, failureMessage } = body as Record<string, unknown>;
  if (!(PAYMENT_STATUSES as readonly unknown[]).includes(status)) {
    return { kind: 'transient', reason: `unknown status ${JSON.stringify(status)?.slice(0, 40)}` };
  }
  const result: StatusResult = { status: status as PaymentStatus };
  const code = shortText(failureCode);
  const message = shortText(failureMessage);
  if (code !== undefined) result.failureCode = code;
  if (message !== undefined) result.failureMessage = message;
  return { kind: 'result', result };
}
