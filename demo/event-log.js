// Shows each alipayhk-* event as it arrives, for both demo pages.
const EVENTS = ['ready', 'status', 'redirect', 'success', 'failure', 'expired', 'cancel', 'error'];

export function logEvents(target, log) {
  for (const name of EVENTS) {
    target.addEventListener(`alipayhk-${name}`, (event) => {
      const line = `${new Date().toLocaleTimeString()}  ${event.type}  ${JSON.stringify(event.detail)}\n`;
      log.textContent = line + log.textContent;
      if (event.type === 'alipayhk-ready') {
        const wallet = document.querySelector('#wallet-link');
        if (wallet) {
          wallet.href = event.detail.session.qrCode ?? event.detail.session.redirectUrl;
          wallet.hidden = false;
        }
      }
    });
  }
}
