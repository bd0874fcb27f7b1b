import type { Messages } from './en.js';

export const zhHK: Messages = {
  creating: '正在準備付款…',
  scan: '請使用 AlipayHK 應用程式掃描',
  expiresIn: (time) => `付款碼將於 ${time} 後失效`,
  qrLabel: (amount, merchant) => `${merchant && `向${merchant}`}以 AlipayHK 支付 ${amount} 的二維碼`,
  payAmount: (amount) => `以 AlipayHK 支付 ${amount}`,
  popupWaiting: '請在 AlipayHK 視窗完成付款',
  popupShow: '顯示 AlipayHK 視窗',
  anotherPhone: '用另一部手機付款',
  order: (reference) => `訂單 ${reference}`,
  confirming: '正在確認付款…',
  reconnecting: '正在重新連線…',
  succeeded: '付款成功',
  failed: '付款失敗',
  tryAgain: '再試一次',
  expired: '此付款碼已失效',
  expiredPayment: '此付款請求已失效',
  newCode: '取得新付款碼',
  cancelled: '付款已取消',
  error: '發生錯誤',
};
