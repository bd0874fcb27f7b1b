// A fake merchant backend for the browser tests, served by web-test-runner's own dev server:
// real HTTP on 127.0.0.1, scripted by each test through /fake/scenarios/:id.
//
// A scenario's script is a list of replies per route, used in order (the last one repeats):
//   { status?: 201, body?: any, raw?: string, headers?: {}, delayMs?: 0, hang?: false, destroy?: false,
//     session?: { ...fields merged into the default session; expiresInMs sets expiresAt from now } }
// A create reply without `body` or `raw` returns a default valid session for the scenario.
//
// POST /api/:id/cancel (the default session's cancelUrl) answers { status: 'cancelled' } and is recorded as route 'cancel'.
//
// Status requests that accept text/event-stream get the scenario's `stream` replies instead,
// when it has any: { events?: [status body or raw string, …], end?: false, statusCode?: 200 }.
// The stream stays open after its events unless `end`; POST /fake/scenarios/:id/push with
// { data } (a body or raw string) writes one more event to every open stream, { end: true } ends them.

const scenarios = new Map();

function scenario(id) {
  let s = scenarios.get(id);
  if (!s) {
    s = { replies: { create: [], status: [], stream: [] }, used: { create: 0, status: 0, stream: 0 }, requests: [], streams: new Set() };
    scenarios.set(id, s);
  }
  return s;
}

function nextReply(s, route) {
  const list = s.replies[route];
  if (list.length === 0) return {};
  const reply = list[Math.min(s.used[route], list.length - 1)];
  s.used[route]++;
  return reply;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function defaultSession(id, requestBody, patch) {
  const session = {
    id: `cs_${id}`,
    amount: { value: 12345, currency: 'HKD' },
    statusUrl: `/api/${id}/status`,
    cancelUrl: `/api/${id}/cancel`,
    qrCode: `https://qr.alipay.com/bax0${id}`,
    redirectUrl: `https://wallet.example/pay/${id}`,
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    flow: requestBody?.environment?.flow,
    status: 'pending',
    merchantName: 'Test Shop',
    reference: `ORDER-${id}`,
    ...patch,
  };
  // Relative to the moment the session is made, so that a slow test machine does not eat into it.
  if (typeof patch?.expiresInMs === 'number') {
    session.expiresAt = new Date(Date.now() + patch.expiresInMs).toISOString();
    delete session.expiresInMs;
  }
  return session;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(ctx, reply, defaultBody) {
  if (reply.hang) {
    // Never answers; the element must time out or abort on its own.
    await new Promise((resolve) => ctx.req.once('close', resolve));
    return;
  }
  if (reply.delayMs) await sleep(reply.delayMs);
  if (reply.destroy) {
    // The connection drops halfway through the answer: a network error in the browser. (Dropping
    // it before any byte would make Chromium resend the request on a fresh connection by itself.)
    ctx.respond = false;
    const socket = ctx.req.socket;
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sta', () => socket.destroy());
    return;
  }
  ctx.status = reply.status ?? 200;
  for (const [name, value] of Object.entries(reply.headers ?? {})) ctx.set(name, value);
  if (reply.raw !== undefined) {
    ctx.type = reply.contentType ?? 'text/plain';
    ctx.body = reply.raw;
  } else {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(reply.body !== undefined ? reply.body : defaultBody());
  }
}

function sseEvent(data) {
  return `event: status\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function openStream(ctx, s, request, reply) {
  ctx.respond = false;
  const { res } = ctx;
  request.stream = { open: true };
  res.writeHead(reply.statusCode ?? 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  res.flushHeaders();
  for (const data of reply.events ?? []) res.write(sseEvent(data));
  if (reply.end) {
    request.stream.open = false;
    return res.end();
  }
  s.streams.add(res);
  res.once('close', () => {
    s.streams.delete(res);
    request.stream.open = false;
  });
}

/** The policy of SPEC issue 5: nothing inline, nothing remote, Trusted Types required. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; require-trusted-types-for 'script'";

/** A shop page with only the script-tag bundle, served under the strict policy. */
function strictPage(id) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP</title>
<script src="/test/support/csp-violations.js"></script>
<script type="module" src="/dist/alipayhk-checkout.js"></script>
</head><body>
<alipayhk-checkout session-url="/api/${id}/sessions" poll-interval="20"></alipayhk-checkout>
</body></html>`;
}

/** web-test-runner middleware (Koa). */
export async function fakeMerchant(ctx, next) {
  const path = ctx.path;
  let match;
  if ((match = path.match(/^\/fake\/strict-page\/([\w-]+)$/))) {
    ctx.set('Content-Security-Policy', STRICT_CSP);
    ctx.type = 'text/html';
    ctx.body = strictPage(match[1]);
    return;
  }
  if ((match = path.match(/^\/fake\/scenarios\/([\w-]+)$/)) && ctx.method === 'POST') {
    const s = scenario(match[1]);
    const script = await readBody(ctx.req);
    for (const route of ['create', 'status', 'stream']) {
      if (script?.[route]) {
        s.replies[route] = script[route];
        s.used[route] = 0;
      }
    }
    ctx.status = 204;
    return;
  }
  if ((match = path.match(/^\/fake\/scenarios\/([\w-]+)\/push$/)) && ctx.method === 'POST') {
    const { data, end } = (await readBody(ctx.req)) ?? {};
    const open = [...scenario(match[1]).streams];
    for (const res of open) {
      if (data !== undefined) res.write(sseEvent(data));
      if (end) res.end();
    }
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ streams: open.length });
    return;
  }
  if ((match = path.match(/^\/fake\/scenarios\/([\w-]+)\/requests$/))) {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(scenario(match[1]).requests);
    return;
  }
  if ((match = path.match(/^\/api\/([\w-]+)\/cancel$/)) && ctx.method === 'POST') {
    scenario(match[1]).requests.push({ route: 'cancel', method: 'POST', headers: {}, at: Date.now(), abandoned: false });
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ status: 'cancelled' });
    return;
  }
  if ((match = path.match(/^\/api\/([\w-]+)\/(sessions|status)$/))) {
    const s = scenario(match[1]);
    const route = match[2] === 'sessions' ? 'create' : 'status';
    const body = ctx.method === 'POST' ? await readBody(ctx.req) : undefined;
    const request = {
      route,
      method: ctx.method,
      headers: {
        'idempotency-key': ctx.get('Idempotency-Key') || undefined,
        'content-type': ctx.get('Content-Type') || undefined,
        accept: ctx.get('Accept') || undefined,
      },
      body,
      /** The query string, without "?": how a test tells apart two elements polling one session. */
      query: ctx.querystring,
      at: Date.now(),
      /** Set when the browser gave up on a request that was never answered. */
      abandoned: false,
    };
    s.requests.push(request);
    if (route === 'status' && /text\/event-stream/.test(request.headers.accept ?? '') && s.replies.stream.length > 0) {
      openStream(ctx, s, request, nextReply(s, 'stream'));
      return;
    }
    const reply = nextReply(s, route);
    if (reply.hang) ctx.req.once('close', () => (request.abandoned = true));
    await send(ctx, reply, () => (route === 'create' ? defaultSession(match[1], body, reply.session) : { status: 'pending' }));
    return;
  }
  return next();
}
