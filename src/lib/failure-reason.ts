// A shopper whose payment failed reads why in their own language (SPEC §2), not the provider's
// English. Providers name the same reasons differently: these patterns cover the failure codes
// they publish (Omise charge `failure_code`s such as `insufficient_fund`, `payment_rejected`,
// `failed_processing`; Alipay+ result codes such as `USER_BALANCE_NOT_ENOUGH`,
// `USER_AMOUNT_EXCEED_LIMIT`, `RISK_REJECT`; Worldpay's `refused`, `error`, `expired` events;
// Checkout.com's numeric response codes 20051 insufficient funds, 20061 / 20065 over a limit,
// 20005 do not honour, 20059 suspected fraud).
// Order matters: "insufficient" before "account", "limit" before "declined". A code that none
// match (and the server's generic `failed`) keeps the server's `failureMessage`.

export type FailureReason = 'insufficientFunds' | 'limit' | 'account' | 'declined' | 'timedOut' | 'voided' | 'processing';

const PATTERNS: [FailureReason, RegExp][] = [
  ['insufficientFunds', /insufficient|balance|not_?enough|fund|^20051$/],
  ['limit', /limit|exceed|^2006[15]$/],
  ['account', /account|user_(status|not)|frozen|blocked|stolen|lost|invalid_security/],
  ['declined', /declin|reject|refus|denied|fraud|risk|do_not_honou?r|^200(05|59)$/],
  ['timedOut', /expire|timeout|time_out/],
  ['voided', /cancel|closed|void/],
  ['processing', /process|error|system|amount_mismatch|unknown/],
];

/** The kind of reason a `failureCode` gives, or undefined for a code this does not know. */
export function failureReason(code: string | undefined): FailureReason | undefined {
  const normalized = code?.toLowerCase().replace(/[\s-]+/g, '_') ?? '';
  return PATTERNS.find(([, pattern]) => pattern.test(normalized))?.[0];
}
