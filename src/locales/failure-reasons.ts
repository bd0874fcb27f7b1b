// Why a payment failed, in the shopper's language (SPEC §2). A chunk of its own, loaded with the
// first failure: most shoppers never download it.
import { failureReason, type FailureReason } from '../lib/failure-reason.js';
import type { Locale } from '../lib/locale.js';

const TEXTS: Record<Locale, Record<FailureReason, string>> = {
  en: {
    insufficientFunds: 'Not enough balance in your AlipayHK account.',
    limit: 'The payment is over your AlipayHK limit.',
    account: 'There is a problem with your AlipayHK account.',
    declined: 'AlipayHK declined the payment.',
    timedOut: 'The payment was not completed in time.',
    voided: 'The payment was cancelled.',
    processing: 'The payment could not be processed.',
  },
  'zh-HK': {
    insufficientFunds: '你的 AlipayHK 帳戶餘額不足。',
    limit: '這筆付款超出了你的 AlipayHK 限額。',
    account: '你的 AlipayHK 帳戶出現問題。',
    declined: 'AlipayHK 拒絕了這筆付款。',
    timedOut: '付款未在時限內完成。',
    voided: '付款已被取消。',
    processing: '付款未能處理。',
  },
  'zh-CN': {
    insufficientFunds: '你的 AlipayHK 账户余额不足。',
    limit: '这笔付款超出了你的 AlipayHK 限额。',
    account: '你的 AlipayHK 账户出现问题。',
    declined: 'AlipayHK 拒绝了这笔付款。',
    timedOut: '付款未在时限内完成。',
    voided: '付款已被取消。',
    processing: '付款未能处理。',
  },
};

/** The reason to show for `failureCode` in `locale`; undefined for a code the element does not know. */
export function failureText(failureCode: string | undefined, locale: Locale): string | undefined {
  const reason = failureReason(failureCode);
  return reason && TEXTS[locale][reason];
}
