// Push updates (SPEC §7, the status route as Server-Sent Events): the status at once, then each
// change, the stream ending after a final status or a while after the session's expiry.
//
// A change is published once, by the process that applied it, on the store's pub/sub; each
// process keeps one subscription and fans out to its own open streams. So an open stream costs no
// store traffic while nothing happens (issue 14: 500 streams on one session used to make ~500
// store reads a second). What the streams of one session need over time (a heartbeat, a look at
// the provider when no webhook came) is one timer per session in a process, not one per stream,
// and the provider is asked at most once per interval across processes (sessions.ts, a lease).
// Streams are capped per session and per process: past a cap the answer is 429 with
// Retry-After, and the widget polls instead.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, HttpError } from './http.js';
import type { Logger } from './providers/types.js';
import type { SessionStore } from './store.js';
import type { StatusJson, StoredSession } from './types.js';

/** True when the request asks for the status as Server-Sent Events (what `EventSource` sends). */
export function wantsEventStream(req: IncomingMessage): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(headerValue(req, 'accept') ?? '');
}

export interface StatusStreamOptions {
  store: SessionStore;
  /** The pub/sub channel of this handler's status changes (one per provider and base path). */
  channel: string;
  /** How often the sessions with streams here may look at the provider (see `lookAgain`). */
  checkIntervalMs: number;
  /** A comment line this often, so that proxies keep a quiet stream. */
  heartbeatMs: number;
  /** Open streams of one session in this process, at most. */
  maxStreamsPerSession: number;
  /** Open streams in this process, at most. */
  maxStreams: number;
  /** How long a stream stays open after its session's `expiresAt` (the widget then polls). */
  graceMs: number;
  /** How long sessions are kept: a stream of a session without `expiresAt` ends then (and its grace). */
  sessionTtlMs: number;
  /**
   * Looks at a pending session again when it is due (the provider, when no other process asked it
   * within its interval). Resolves to the session when it was read, undefined when not due.
   */
  lookAgain(session: StoredSession): Promise<StoredSession | undefined>;
  statusJson(session: StoredSession): StatusJson;
  logger: Logger;
}

/** One open stream. */
interface Stream {
  /** Sends the status unless it is the one this stream sent last; a final status ends it. */
  send(status: StatusJson): void;
  heartbeat(): void;
  close(): void;
}

/** The streams of one session in this process, and the one timer they share. */
interface SessionStreams {
  streams: Set<Stream>;
  session: StoredSession;
  timer: ReturnType<typeof setInterval>;
  lastHeartbeatAt: number;
  closeAt: number;
}

export function statusStreams(options: StatusStreamOptions) {
  const bySession = new Map<string, SessionStreams>();
  /** Streams of a session counted against its cap while they open (subscribing, reading). */
  const opening = new Map<string, number>();
  let open = 0;
  let subscription: Promise<() => Promise<void>> | undefined;

  /** Sends a session's status to its streams here; a final one ends them. */
  function fanOut(sessionId: string, status: StatusJson): void {
    for (const stream of bySession.get(sessionId)?.streams ?? []) stream.send(status);
  }

  function onMessage(message: string): void {
    let change: { id?: unknown; status?: StatusJson };
    try {
      change = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof change?.id === 'string' && change.status && typeof change.status.status === 'string') fanOut(change.id, change.status);
  }

  /** The process's one subscription, made with its first stream. */
  function subscribed(): Promise<unknown> {
    // A subscription that failed is made again by the next stream.
    subscription ??= options.store.subscribe(options.channel, onMessage).catch((error: unknown) => {
      subscription = undefined;
      throw error;
    });
    return subscription;
  }

  /** Counts a stream of the session as opening (`by` 1) or no longer opening (`by` -1). */
  function countOpening(sessionId: string, by: 1 | -1): void {
    const count = (opening.get(sessionId) ?? 0) + by;
    if (count > 0) opening.set(sessionId, count);
    else opening.delete(sessionId);
  }

  function tick(sessionId: string): void {
    const group = bySession.get(sessionId);
    if (!group) return;
    const now = Date.now();
    if (now >= group.closeAt) {
      for (const stream of group.streams) stream.close();
      return;
    }
    if (now - group.lastHeartbeatAt >= options.heartbeatMs) {
      group.lastHeartbeatAt = now;
      for (const stream of group.streams) stream.heartbeat();
    }
    options.lookAgain(group.session).then(
      (current) => {
        if (!current) return;
        group.session = current;
        // Pub/sub delivers at most once (a message sent while a connection reconnects is lost):
        // what this read found reaches the streams here too.
        fanOut(sessionId, options.statusJson(current));
      },
      (error: Error) => options.logger.warn(`alipayhk-checkout: status streams of ${sessionId}: ${error.message}`),
    );
  }

  return {
    /**
     * Tells every process's streams of the session about its new state: at once here, through the
     * store's pub/sub elsewhere. A stream that already sent this status sends nothing.
     */
    publish(session: StoredSession): void {
      const status = options.statusJson(session);
      fanOut(session.id, status);
      options.store.publish(options.channel, JSON.stringify({ id: session.id, status })).catch((error: Error) => {
        options.logger.warn(`alipayhk-checkout: publishing the status of ${session.id}: ${error.message}`);
      });
    },

    /**
     * Answers with the stream of the session `sessionId`, or 429 past a cap. `read` gives the
     * session (or throws its 404), read once subscribed, so that no change made before the
     * subscription is missed.
     */
    async serve(req: IncomingMessage, res: ServerResponse, sessionId: string, read: () => Promise<StoredSession>): Promise<void> {
      const streamsOfSession = (bySession.get(sessionId)?.streams.size ?? 0) + (opening.get(sessionId) ?? 0);
      if (open >= options.maxStreams || streamsOfSession >= options.maxStreamsPerSession) {
        throw new HttpError(429, 'too_many_streams', 'Too many status streams: poll the status instead', {
          'Retry-After': String(Math.ceil(options.checkIntervalMs / 1000)),
        });
      }
      // Counted before any await, so that a burst of requests cannot all pass the caps.
      open++;
      countOpening(sessionId, 1);
      let counted = true;
      const uncount = () => {
        if (counted) open--;
        counted = false;
      };
      let session: StoredSession;
      try {
        await subscribed();
        session = await read();
      } catch (error) {
        uncount();
        throw error;
      } finally {
        // From here to its place in the session's group, no await: it is counted there.
        countOpening(sessionId, -1);
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        // nginx buffers responses unless told not to, which would hold every event back.
        'X-Accel-Buffering': 'no',
      });
      let lastSent = '';
      let group = bySession.get(sessionId);
      if (!group) {
        const expiresAtMs = session.expiresAt ? Date.parse(session.expiresAt) : NaN;
        group = {
          streams: new Set(),
          session,
          timer: setInterval(() => tick(sessionId), Math.min(options.checkIntervalMs, options.heartbeatMs)),
          lastHeartbeatAt: Date.now(),
          closeAt: (Number.isFinite(expiresAtMs) ? expiresAtMs : Date.now() + options.sessionTtlMs) + options.graceMs,
        };
        group.timer.unref?.();
        bySession.set(sessionId, group);
      }
      const mine = group;
      const stream: Stream = {
        heartbeat: () => res.write(': keep-alive\n\n'),
        send(status) {
          const data = JSON.stringify(status);
          if (data !== lastSent) {
            lastSent = data;
            res.write(`event: status\ndata: ${data}\n\n`);
          }
          if (status.status !== 'pending') stream.close();
        },
        close() {
          if (!mine.streams.delete(stream)) return;
          uncount();
          if (mine.streams.size === 0 && bySession.get(sessionId) === mine) {
            clearInterval(mine.timer);
            bySession.delete(sessionId);
          }
          res.end();
        },
      };
      mine.streams.add(stream);
      req.once('close', () => stream.close());
      res.once('error', () => stream.close());
      stream.send(options.statusJson(session));
    },

    /** Ends every stream and the subscription (the handler's close). */
    async close(): Promise<void> {
      for (const group of [...bySession.values()]) for (const stream of [...group.streams]) stream.close();
      const unsubscribe = await subscription?.catch(() => undefined);
      subscription = undefined;
      await unsubscribe?.();
    },
  };
}
