import type { Messages } from './en.js';

export const zhCN: Messages = {
  creating: '正在准备付款…',
  scan: '请使用 AlipayHK 应用扫描',
  expiresIn: (time) => `付款码将于 ${time} 后失效`,
  qrLabel: (amount, merchant) => `${merchant && `向${merchant}`}以 AlipayHK 支付 ${amount} 的二维码`,
  payAmount: (amount) => `以 AlipayHK 支付 ${amount}`,
  popupWaiting: '请在 AlipayHK 窗口完成付款',
  popupShow: '显示 AlipayHK 窗口',
  anotherPhone: '用另一部手机付款',
  order: (reference) => `订单 ${reference}`,
  confirming: '正在确认付款…',
  reconnecting: '正在重新连接…',
  succeeded: '付款成功',
  failed: '付款失败',
  tryAgain: '再试一次',
  expired: '此付款码已失效',
  expiredPayment: '此付款请求已失效',
  newCode: '获取新付款码',
  cancelled: '付款已取消',
  error: '发生错误',
};
