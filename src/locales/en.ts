export const en = {
  creating: 'Preparing your payment…',
  scan: 'Scan with the AlipayHK app',
  expiresIn: (time: string) => `Code expires in ${time}`,
  qrLabel: (amount: string, merchant: string) => `QR code to pay ${amount}${merchant && ` to ${merchant}`} with AlipayHK`,
  payAmount: (amount: string) => `Pay ${amount} with AlipayHK`,
  popupWaiting: 'Complete the payment in the AlipayHK window',
  popupShow: 'Show the AlipayHK window',
  anotherPhone: 'Pay with another phone',
  order: (reference: string) => `Order ${reference}`,
  confirming: 'Confirming your payment…',
  reconnecting: 'Reconnecting…',
  succeeded: 'Payment successful',
  failed: 'Payment failed',
  tryAgain: 'Try again',
  expired: 'This code has expired',
  expiredPayment: 'This payment request has expired',
  newCode: 'Get a new code',
  cancelled: 'Payment cancelled',
  error: 'Something went wrong',
};

export type Messages = typeof en;
