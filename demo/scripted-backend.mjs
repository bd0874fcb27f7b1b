// A small scripted merchant backend for the demo: creates sessions, answers status, and lets the
// demo's wallet page approve, decline or expire a payment. It stands in for a real provider until
// the sandbox provider (alipayhk-checkout/server) replaces it. Connect-style middleware.
import { randomBytes } from 'node:crypto';

const BASE = '/api/alipayhk';
const LIFETIME_MS = 5 * 60_000;
const sessions = new Map();
const byIdempotencyKey = new Map();

async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16_384) throw Object.assign(new Error('body too large'), { status: 413 });
  }
  return text ? JSON.parse(text) : {};
}

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function publicSession(session) {
  const { returnUrl: _, outcome: __, ...visible } = session;
  return visible;
}

export function scriptedBackend({ origin }) {
  return async function handle(req, res, next) {
    const url = new URL(req.url, origin);
    if (!url.pathname.startsWith(`${BASE}/`)) return next();
    try {
      if (req.method === 'POST' && url.pathname === `${BASE}/sessions`) {
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string' || key.length < 8) return send(res, 400, { code: 'missing_idempotency_key', message: 'Idempotency-Key header required' });
        const existing = byIdempotencyKey.get(key);
        if (existing) return send(res, 200, publicSession(existing));
        const { environment } = await readJson(req);
        const id = `cs_${randomBytes(16).toString('hex')}`;
        const walletUrl = `${origin}/demo/wallet.html?session=${id}`;
        const session = {
          id,
          amount: { value: 12345, currency: 'HKD' },
          statusUrl: `${BASE}/sessions/${id}/status`,
          qrCode: walletUrl,
          // The redirect flow brings the shopper to the wallet in this tab, so it sends them back.
          redirectUrl: `${walletUrl}&return=1`,
          expiresAt: new Date(Date.now() + LIFETIME_MS).toISOString(),
          flow: environment?.flow === 'redirect' ? 'redirect' : 'qr',
          status: 'pending',
          merchantName: 'Demo Shop',
          reference: `DEMO-${id.slice(3, 9).toUpperCase()}`,
          returnUrl: req.headers.referer,
        };
        sessions.set(id, session);
        byIdempotencyKey.set(key, session);
        return send(res, 201, publicSession(session));
      }
      const match = url.pathname.match(/^\/api\/alipayhk\/sessions\/(cs_[0-9a-f]{32})(?:\/(status|approve|decline|expire|details))$/);
      const session = match && sessions.get(match[1]);
      if (!session) return send(res, 404, { code: 'session_not_found', message: 'No such session' });
      if (Date.parse(session.expiresAt) <= Date.now() && session.status === 'pending') session.status = 'expired';
      const action = match[2];
      if (req.method === 'GET' && action === 'status') {
        const body = { status: session.status };
        if (session.status === 'failed') Object.assign(body, { failureCode: 'user_declined', failureMessage: 'The shopper declined the payment in AlipayHK.' });
        return send(res, 200, body);
      }
      if (req.method === 'GET' && action === 'details') {
        return send(res, 200, { ...publicSession(session), returnUrl: session.returnUrl });
      }
      if (req.method === 'POST' && session.status === 'pending') {
        session.status = { approve: 'succeeded', decline: 'failed', expire: 'expired' }[action];
        if (action === 'expire') session.expiresAt = new Date().toISOString();
      }
      return send(res, 200, { status: session.status, returnUrl: session.returnUrl });
    } catch (error) {
      return send(res, error.status ?? 400, { code: 'bad_request', message: error.message });
    }
  };
}
