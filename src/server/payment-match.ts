// Only money the provider took for this session may mark it paid: every provider answer that
// states an amount, a currency or a reference is held to the session's before it counts. A
// payment made under a reused key, a foreign payment, or a cheap payment bound to a dear order
// differs in at least one of them.
import type { Money } from './types.js';

/** What a session expects of every answer about its payment. */
export interface ExpectedPayment {
  amount: Money;
  /**
   * The reference the adapter gave the provider (`ProviderPayment.providerReference`). Sessions
   * stored before it was kept have none: their references are not compared, their amounts are.
   */
  providerReference?: string;
}

/** What an answer states; fields it does not state are not compared. */
export interface StatedPayment {
  amount?: Money;
  reference?: string;
}

/** Why the answer is not about this session's payment, or undefined when nothing it states differs. */
export function mismatchOf(expected: ExpectedPayment, stated: StatedPayment): string | undefined {
  const problems: string[] = [];
  if (stated.amount !== undefined) {
    if (stated.amount.value !== expected.amount.value) problems.push(`amount ${stated.amount.value} instead of ${expected.amount.value}`);
    if (stated.amount.currency !== expected.amount.currency) {
      problems.push(`currency ${JSON.stringify(stated.amount.currency)} instead of ${expected.amount.currency}`);
    }
  }
  if (stated.reference !== undefined && expected.providerReference !== undefined && stated.reference !== expected.providerReference) {
    problems.push(`reference ${JSON.stringify(stated.reference.slice(0, 80))} instead of ${JSON.stringify(expected.providerReference)}`);
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}
