// failureReason() against the failure codes the providers publish (see the sources in
// src/lib/failure-reason.ts), and failureText() in the three locales.
import { expect } from '@open-wc/testing';
import { failureReason } from '../../../src/lib/failure-reason.js';
import { failureText } from '../../../src/locales/failure-reasons.js';

describe('SPEC §2 failure reasons', () => {
  it('maps each provider code to the reason it gives', () => {
    const cases: Array<[string, string]> = [
      // Omise charge failure codes
      ['insufficient_fund', 'insufficientFunds'], ['insufficient_balance', 'insufficientFunds'], ['payment_rejected', 'declined'],
      ['failed_fraud_check', 'declined'], ['failed_processing', 'processing'], ['invalid_account_number', 'account'],
      ['payment_expired', 'timedOut'], ['payment_cancelled', 'voided'], ['stolen_or_lost_card', 'account'],
      // Alipay+ result codes
      ['USER_BALANCE_NOT_ENOUGH', 'insufficientFunds'], ['USER_AMOUNT_EXCEED_LIMIT', 'limit'], ['RISK_REJECT', 'declined'],
      ['USER_STATUS_ABNORMAL', 'account'], ['ORDER_IS_CLOSED', 'voided'], ['PROCESS_FAIL', 'processing'],
      // Checkout.com response codes, Worldpay events, NomuPay, and the server's own
      ['20051', 'insufficientFunds'], ['20061', 'limit'], ['20065', 'limit'], ['20005', 'declined'], ['20059', 'declined'],
      ['refused', 'declined'], ['expired', 'timedOut'], ['error', 'processing'], ['declined', 'declined'], ['amount_mismatch', 'processing'],
    ];
    for (const [code, reason] of cases) expect(failureReason(code), code).to.equal(reason);
  });

  it('a code it does not know, the generic "failed" and no code give no reason (the server message is shown)', () => {
    for (const code of ['failed', 'xyz_42', '', undefined, '30044', 'constructor', '__proto__']) expect(failureReason(code), String(code)).to.equal(undefined);
  });

  it('says each reason in en, zh-HK and zh-CN', () => {
    expect(failureText('insufficient_fund', 'en')).to.equal('Not enough balance in your AlipayHK account.');
    expect(failureText('insufficient_fund', 'zh-HK')).to.equal('你的 AlipayHK 帳戶餘額不足。');
    expect(failureText('insufficient_fund', 'zh-CN')).to.equal('你的 AlipayHK 账户余额不足。');
    for (const locale of ['en', 'zh-HK', 'zh-CN'] as const) {
      const texts = ['insufficient_fund', '20061', 'invalid_account', 'refused', 'payment_expired', 'payment_cancelled', 'failed_processing'].map((code) => failureText(code, locale));
      expect(new Set(texts).size, locale).to.equal(7);
      expect(texts.every((text) => typeof text === 'string' && text.length > 0), locale).to.equal(true);
    }
  });
});
