import type { Messages } from './en.js';

export const zhCN: Messages = {
  creating: '正在准备付款…',
  scan: '请使用 AlipayHK 应用扫描',
  scanToContinue: '请用手机扫描以继续',
  openHere: '在此设备打开 AlipayHK',
  waiting: '等待付款…',
  expiresIn: (time) => `付款码将于 ${time} 后失效`,
  qrLabel: (amount) => `使用 AlipayHK 支付 ${amount} 的二维码`,
  pay: '使用 AlipayHK 付款',
  redirecting: '正在打开 AlipayHK…',
  confirming: '正在确认付款…',
  reconnecting: '正在重新连接…',
  succeeded: '付款成功',
  failed: '付款失败',
  tryAgain: '再试一次',
  expired: '此付款码已失效',
  newCode: '获取新付款码',
  cancelled: '付款已取消',
  error: '发生错误',
};
