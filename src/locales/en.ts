export const en = {
  creating: 'Preparing your payment…',
  scan: 'Scan with the AlipayHK app',
  scanToContinue: 'Scan to continue on your phone',
  openHere: 'Open AlipayHK on this device',
  waiting: 'Waiting for payment…',
  expiresIn: (time: string) => `Code expires in ${time}`,
  qrLabel: (amount: string) => `QR code to pay ${amount} with AlipayHK`,
  pay: 'Pay with AlipayHK',
  redirecting: 'Opening AlipayHK…',
  confirming: 'Confirming your payment…',
  reconnecting: 'Reconnecting…',
  succeeded: 'Payment successful',
  failed: 'Payment failed',
  tryAgain: 'Try again',
  expired: 'This code has expired',
  newCode: 'Get a new code',
  cancelled: 'Payment cancelled',
  error: 'Something went wrong',
};

export type Messages = typeof en;
