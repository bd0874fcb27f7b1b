// Shows each alipayhk-* event as it arrives, for both demo pages, and where a desktop shopper
// approves the payment in this demo.
const EVENTS = ['ready', 'status', 'redirect', 'success', 'failure', 'expired', 'cancel', 'error'];

export function logEvents(target, log) {
  for (const name of EVENTS) {
    target.addEventListener(`alipayhk-${name}`, (event) => {
      const line = `${new Date().toLocaleTimeString()}  ${event.type}  ${JSON.stringify(event.detail)}\n`;
      log.textContent = line + log.textContent;
      if (event.type === 'alipayhk-ready') showWhereToApprove(event.detail);
    });
  }
}

/**
 * On a desktop the shopper approves on their phone. UQPAY gives a code the widget draws: the
 * "phone" is a second tab on what the QR encodes. Checkout.com, Omise, NomuPay and Worldpay
 * show the code on their own page, which the widget opens in a popup: the sandbox's page has
 * the wallet's buttons beside its QR. On a phone the widget itself sends the shopper there.
 */
function showWhereToApprove({ flow, session }) {
  const wallet = document.querySelector('#wallet-link');
  const where = document.querySelector('#where-to-approve');
  if (!wallet || !where) return;
  const qr = flow === 'qr' && session.qrCode !== undefined;
  wallet.hidden = !qr;
  if (qr) wallet.href = session.qrCode;
  where.textContent =
    flow !== 'qr'
      ? 'Phone: the button opens the sandbox wallet in this tab; approve there and you come back here.'
      : qr
        ? 'Desktop: the widget draws the provider\'s QR. Scan it with a phone, or open what it encodes in another tab (the link below) and approve there.'
        : 'Desktop: this provider shows the QR on its own page. The button opens it in a popup; approve there (the sandbox page has the wallet\'s buttons beside its QR), and the popup closes by itself.';
}
