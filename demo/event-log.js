// Shows each alipayhk-* event as it arrives, for both demo pages.
const EVENTS = ['ready', 'status', 'redirect', 'success', 'failure', 'expired', 'cancel', 'error'];

export function logEvents(target, log) {
  for (const name of EVENTS) {
    target.addEventListener(`alipayhk-${name}`, (event) => {
      const line = `${new Date().toLocaleTimeString()}  ${event.type}  ${JSON.stringify(event.detail)}\n`;
      log.textContent = line + log.textContent;
      // On the QR flow the "phone" is a second tab: link to what the QR encodes.
      const wallet = document.querySelector('#wallet-link');
      if (wallet && event.type === 'alipayhk-ready') {
        wallet.hidden = event.detail.flow !== 'qr';
        wallet.href = event.detail.session.qrCode ?? event.detail.session.redirectUrl;
      }
    });
  }
}
