// Push updates (SPEC §7, the status route as Server-Sent Events): the status at once, then each
// change, pushed the moment this process applies one (a webhook) or finds one (the store, which
// another process may have written, or the provider); the stream ends after a final status. Any
// error ends it too, and the widget falls back to polling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from './http.js';
import type { Logger } from './providers/types.js';
import type { StatusJson, StoredSession } from './types.js';

/** True when the request asks for the status as Server-Sent Events (what `EventSource` sends). */
export function wantsEventStream(req: IncomingMessage): boolean {
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(headerValue(req, 'accept') ?? '');
}

export interface StatusStreamOptions {
  /** How often an open stream re-reads the session while it is pending. */
  checkIntervalMs: number;
  /** A comment line this often, so that proxies keep a quiet stream. */
  heartbeatMs: number;
  statusJson(session: StoredSession): StatusJson;
  logger: Logger;
}

export function statusStreams(options: StatusStreamOptions) {
  /** Open streams of this process, by session id. */
  const listeners = new Map<string, Set<(session: StoredSession) => void>>();

  return {
    /** Tells this process's open streams of the session about its new state, at once. */
    notify(session: StoredSession): void {
      for (const listener of listeners.get(session.id) ?? []) listener(session);
    },

    /**
     * Answers with the stream of `session`. `refresh` reads the session again (undefined when it
     * is gone), asking the provider when it is due.
     */
    async serve(req: IncomingMessage, res: ServerResponse, session: StoredSession, refresh: () => Promise<StoredSession | undefined>): Promise<void> {
      const sessionId = session.id;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        // nginx buffers responses unless told not to, which would hold every event back.
        'X-Accel-Buffering': 'no',
      });
      let lastSent = '';
      let closed = false;
      let checkTimer: ReturnType<typeof setTimeout> | undefined;
      const send = (next: StoredSession) => {
        if (closed) return;
        const data = JSON.stringify(options.statusJson(next));
        if (data !== lastSent) {
          lastSent = data;
          res.write(`event: status\ndata: ${data}\n\n`);
        }
        if (next.status !== 'pending') close();
      };
      const mine = listeners.get(sessionId) ?? new Set();
      listeners.set(sessionId, mine);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs);
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(checkTimer);
        mine.delete(send);
        if (mine.size === 0 && listeners.get(sessionId) === mine) listeners.delete(sessionId);
        res.end();
      };
      mine.add(send);
      req.once('close', close);
      res.once('error', close);
      const check = async () => {
        try {
          const current = await refresh();
          if (!current) return close();
          send(current);
        } catch (error) {
          options.logger.warn(`alipayhk-checkout: status stream of ${sessionId}: ${(error as Error).message}`);
          return close();
        }
        if (!closed) checkTimer = setTimeout(check, options.checkIntervalMs);
      };
      send(session);
      if (!closed) await check();
    },
  };
}
