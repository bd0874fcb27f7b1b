import type { Messages } from './en.js';

export const zhHK: Messages = {
  creating: '正在準備付款…',
  scan: '請使用 AlipayHK 應用程式掃描',
  scanToContinue: '請用手機掃描以繼續',
  openHere: '在此裝置開啟 AlipayHK',
  waiting: '等待付款…',
  expiresIn: (time) => `付款碼將於 ${time} 後失效`,
  qrLabel: (amount) => `使用 AlipayHK 支付 ${amount} 的二維碼`,
  pay: '使用 AlipayHK 付款',
  redirecting: '正在開啟 AlipayHK…',
  confirming: '正在確認付款…',
  reconnecting: '正在重新連線…',
  succeeded: '付款成功',
  failed: '付款失敗',
  tryAgain: '再試一次',
  expired: '此付款碼已失效',
  newCode: '取得新付款碼',
  cancelled: '付款已取消',
  error: '發生錯誤',
};
