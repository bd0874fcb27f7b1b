// The sandbox's stand-in for the provider's hosted page and the AlipayHK app: what the shopper
// sees after being redirected or scanning the QR. A page made for a desktop shows a QR of itself,
// as the providers' hosted pages do, to scan with the phone that has the app. Plain forms, no script.
import QRCode from 'qrcode';
import type { SandboxPayment } from './index.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const OUTCOME_TEXT = { approve: 'Payment approved', decline: 'Payment declined', expire: 'Payment expired' };

/** The QR a desktop page shows, as an SVG image (quiet zone of 4 modules, level Q as Alipay+ asks). */
async function qrOf(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'Q', margin: 4 });
  return `<figure id="qr" aria-label="QR code to scan with the AlipayHK app" style="width:220px;margin:1rem auto">${svg}</figure>
<p>Scan with the AlipayHK app</p>`;
}

export async function walletPage({ payment, error, url }: { payment?: SandboxPayment; error?: string; url?: string }): Promise<string> {
  let body: string;
  if (!payment) {
    body = `<p>${escapeHtml(error ?? 'Unknown payment')}</p>`;
  } else if (payment.cancelled) {
    body = `<p id="result" role="status">This payment was cancelled: it can no longer be paid</p>`;
  } else {
    const amount = new Intl.NumberFormat('en', { style: 'currency', currency: payment.amount.currency }).format(
      payment.amount.value / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency: payment.amount.currency }).resolvedOptions().maximumFractionDigits ?? 2),
    );
    const id = encodeURIComponent(payment.id);
    body = `<p class="amount" id="amount">${escapeHtml(amount)}</p>
<p>Reference ${escapeHtml(payment.reference)}</p>
${
  payment.outcome
    ? `<p id="result" role="status">${OUTCOME_TEXT[payment.outcome]}</p>`
    : `${payment.showsQr && url ? await qrOf(url) : ''}<p id="result" role="status">Waiting for you to confirm</p>
<form method="post" action="/wallet/${id}/approve"><button type="submit" id="approve">Approve</button></form>
<form method="post" action="/wallet/${id}/decline"><button type="submit" id="decline">Decline</button></form>
<form method="post" action="/wallet/${id}/expire"><button type="submit" id="expire">Expire</button></form>`
}`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>AlipayHK sandbox wallet</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:2rem auto;padding:0 1rem;text-align:center}
.amount{font-size:2rem;font-weight:600}button{font:inherit;width:100%;padding:.75rem;margin:.25rem 0;border-radius:8px;border:1px solid #888}
#approve{background:#0b5ed7;color:#fff;border:0}</style></head>
<body><h1>AlipayHK sandbox wallet</h1>${body}<p><small>A stand-in for the AlipayHK app; no money moves.</small></p></body></html>`;
}
