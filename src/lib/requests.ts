// The two network calls of SPEC §3 and §4. No DOM: `fetch` and `AbortSignal` only.
import type { Environment } from './environment.js';
import type { Locale } from './locale.js';

/** A request that takes longer than this is abandoned and counted as a transient failure. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** A status or session answer is a few hundred bytes; anything this large is not one. */
export const MAX_RESPONSE_CHARS = 64 * 1024;

export interface CreateSessionRequest {
  environment: Environment;
  locale: Locale;
  context?: unknown;
}

/** Aborts when `signal` (if any) aborts or `timeoutMs` passes, whichever is first. */
function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, timeoutMs);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** `undefined` when the body was not JSON. */
  body: unknown;
  sentAtMs: number;
  receivedAtMs: number;
}

async function fetchJson(url: string, init: RequestInit, signal?: AbortSignal, timeoutMs = REQUEST_TIMEOUT_MS): Promise<JsonResponse> {
  const timed = withTimeout(signal, timeoutMs);
  const sentAtMs = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: timed.signal, credentials: 'same-origin', redirect: 'error' });
    // Not response.json(): an empty, HTML or oversized body must read as "no answer", not throw.
    const text = await response.text();
    let body: unknown;
    try {
      body = text.length <= MAX_RESPONSE_CHARS ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, sentAtMs, receivedAtMs: Date.now() };
  } finally {
    timed.done();
  }
}

export function postCreateSession(
  sessionUrl: string,
  request: CreateSessionRequest,
  idempotencyKey: string,
  signal: AbortSignal,
): Promise<JsonResponse> {
  return fetchJson(
    sessionUrl,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(request),
      cache: 'no-store',
    },
    signal,
  );
}

export function getStatus(statusUrl: string, signal: AbortSignal, timeoutMs?: number): Promise<JsonResponse> {
  return fetchJson(statusUrl, { method: 'GET', headers: { Accept: 'application/json' }, cache: 'no-store' }, signal, timeoutMs);
}

/**
 * Tells the merchant's server that the shopper gave up the session (its `cancelUrl`), so that its
 * code can no longer be paid. `keepalive` lets it outlive the page. Resolves with the answer's
 * JSON (a status body), undefined when there was none; most callers do not wait for it (the
 * server's reconciliation covers a request that was lost), "Pay with another phone" does.
 */
export function postCancel(cancelUrl: string): Promise<unknown> {
  // fetchJson's timeout too: "Pay with another phone" waits for this answer with the checks stopped.
  return fetchJson(cancelUrl, { method: 'POST', keepalive: true, cache: 'no-store' }).then(
    (response) => (response.status >= 200 && response.status < 300 ? response.body : undefined),
    () => undefined,
  );
}
