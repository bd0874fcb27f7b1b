// SPEC §3, the create request as the element sends it: transient failures (no answer, 408, 429,
// 5xx, a 2xx whose body was cut off) are asked again twice under the same Idempotency-Key, which
// gets the same session, never a second one. No DOM: `fetch` and timers only.
import { clockSkewMs } from './clock.js';
import { nextPollDelay } from './poll-schedule.js';
import { postCreateSession, type CreateSessionRequest, type JsonResponse } from './requests.js';

export type CreateOutcome =
  | { created: true; body: unknown; clockSkewMs: number }
  | { created: false; message: string; fatal: boolean };

/** Transient create failures retried with the same idempotency key before giving up. */
const CREATE_RETRIES = 2;

function isTransientHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Creates the session, backing off between tries as the status poll does. Resolves to the
 * session's JSON (unvalidated) with the clock skew its `Date` header shows, to a failure with the
 * message for `alipayhk-error` (`fatal` when asking again cannot help), or to undefined once
 * `signal` aborts.
 */
export async function createSession(
  sessionUrl: string,
  request: CreateSessionRequest,
  idempotencyKey: string,
  signal: AbortSignal,
  intervalMs: number,
): Promise<CreateOutcome | undefined> {
  let response: JsonResponse | undefined;
  for (let failures = 0; ; failures++) {
    try {
      response = await postCreateSession(sessionUrl, request, idempotencyKey, signal);
    } catch {
      response = undefined; // network failure, or aborted (checked below)
    }
    if (signal.aborted) return undefined;
    // A 2xx whose body was cut off is as good as no answer: ask again under the same key.
    const unreadable = response !== undefined && response.status < 300 && response.body === undefined;
    const transient = response === undefined || unreadable || isTransientHttpStatus(response.status);
    if (!transient || failures >= CREATE_RETRIES) break;
    try {
      await abortableDelay(nextPollDelay({ intervalMs, elapsedMs: 0, consecutiveFailures: failures + 1, random: Math.random() }), signal);
    } catch {
      return undefined;
    }
  }
  if (response === undefined || (response.status !== 200 && response.status !== 201) || response.body === undefined) {
    const serverMessage = (response?.body as { message?: unknown } | undefined)?.message;
    const reason = response ? `HTTP ${response.status}` : 'network error';
    return {
      created: false,
      message: `Creating the session failed (${reason})${typeof serverMessage === 'string' ? `: ${serverMessage.slice(0, 200)}` : ''}`,
      fatal: response !== undefined && !isTransientHttpStatus(response.status),
    };
  }
  return { created: true, body: response.body, clockSkewMs: clockSkewMs(response.headers.get('Date'), response.sentAtMs, response.receivedAtMs) };
}
