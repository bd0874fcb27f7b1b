// The wire contract between the widget and the merchant backend (SPEC §3–4), declared here
// again on purpose: the server is a Node entry point that must not import browser code.

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled';

export interface Environment {
  deviceType: 'desktop' | 'mobile' | 'tablet';
  terminalType: 'WEB' | 'WAP' | 'APP';
  osType: 'IOS' | 'ANDROID' | null;
  flow: 'qr' | 'redirect';
  inApp: boolean;
  inWallet: boolean;
}

export interface Money {
  /** Integer minor units. */
  value: number;
  /** ISO 4217, upper case. */
  currency: string;
}

/** What the merchant's `order` callback decides: the browser never sets the price. */
export interface Order {
  amount: Money;
  reference: string;
  description?: string;
  merchantName?: string;
}

/** The session as the widget receives it. */
export interface CheckoutSessionJson {
  id: string;
  amount: Money;
  statusUrl: string;
  /** `'sse'`: `statusUrl` also answers as Server-Sent Events (`Accept: text/event-stream`). */
  push?: 'sse';
  /** POST it to cancel the pending payment (SPEC §3). */
  cancelUrl?: string;
  qrCode?: string;
  redirectUrl?: string;
  expiresAt?: string;
  flow: 'qr' | 'redirect';
  status: PaymentStatus;
  merchantName?: string;
  reference: string;
}

export interface StatusJson {
  status: PaymentStatus;
  failureCode?: string;
  failureMessage?: string;
}

/** A session as the backend keeps it. */
export interface StoredSession {
  id: string;
  provider: string;
  providerPaymentId: string;
  /**
   * The reference the provider holds for the payment: every answer that states one must state
   * this. Absent from sessions that an earlier version of this package stored (a store shared
   * during an upgrade).
   */
  providerReference?: string;
  amount: Money;
  reference: string;
  description?: string;
  merchantName?: string;
  environment: Environment;
  flow: 'qr' | 'redirect';
  qrCode?: string;
  redirectUrl?: string;
  expiresAt?: string;
  status: PaymentStatus;
  failureCode?: string;
  failureMessage?: string;
  /** Provider event ids already applied, so that a repeated webhook changes nothing. */
  appliedEvents: string[];
  /**
   * Changes not yet reported to the merchant's `onStatusChange` (the outbox): written in the same
   * compare-and-set as the change, removed once the hook has returned.
   */
  outbox?: StatusReport[];
  /** Minor units refunded so far (refunds the provider accepted). */
  refundedAmount?: number;
  /** Each refund asked for, in order: `requested` while the provider is being asked. */
  refunds?: Array<{ amount: number; state: 'requested' | 'accepted' | 'failed'; refundId?: string; reason?: string }>;
  /**
   * Cancelled here only, at a provider that documents no way to cancel a pending payment: its
   * own expiry ends it there. Should the shopper pay it all the same, the money was taken, and
   * the success counts (and is reported).
   */
  cancelledLocally?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One change waiting to be reported; `eventId` stays the same across retries. */
export interface StatusReport {
  eventId: string;
  previous: PaymentStatus;
}

/** What the merchant's server sees of a session (`handler.getSession`, `onStatusChange`). */
export interface SessionInfo {
  id: string;
  status: PaymentStatus;
  amount: Money;
  reference: string;
  provider: string;
  providerPaymentId: string;
  /** Minor units refunded so far. */
  refundedAmount: number;
  failureCode?: string;
  failureMessage?: string;
  createdAt: string;
  updatedAt: string;
}
