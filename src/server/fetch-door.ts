// The handler's second door: `handler.fetch(request)` → `Promise<Response>` for runtimes built on
// the Fetch API (Next.js route handlers, Hono, Bun, Deno, workers). The routes are the node:http
// door's own, fed a request and a response that stand for the Fetch ones, so both doors share
// every check, every error and the status stream; only the bytes change hands differently.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

type NodeHandle = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A response under way: headers settle the Response, writes feed its body (a status stream never ends on its own). */
class ResponseStandIn {
  headersSent = false;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #ended = false;
  readonly body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      this.#controller = controller;
    },
    cancel: () => {
      // The client went away: as when a node:http socket closes.
      this.#ended = true;
      this.onCancel();
    },
  });
  readonly response: Promise<Response>;
  #resolve!: (response: Response) => void;
  onCancel: () => void = () => undefined;
  onEnd: () => void = () => undefined;

  constructor() {
    this.response = new Promise((resolve) => (this.#resolve = resolve));
  }

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    if (this.headersSent) return this;
    this.headersSent = true;
    const list = new Headers();
    for (const [name, value] of Object.entries(headers)) list.set(name, String(value));
    this.#resolve(new Response(status === 204 || status === 304 ? null : this.body, { status, headers: list }));
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    if (!this.headersSent) this.writeHead(200);
    if (this.#ended) return false;
    this.#controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return true;
  }

  end(chunk?: string | Uint8Array): this {
    if (chunk !== undefined) this.write(chunk);
    if (!this.headersSent) this.writeHead(200);
    if (!this.#ended) {
      this.#ended = true;
      this.#controller.close();
      this.onEnd();
    }
    return this;
  }

  /** The routes listen for 'error' on a node:http response; a Fetch body stream has none to give. */
  once(): this {
    return this;
  }
}

export function fetchDoor(handle: NodeHandle): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    if (!(request instanceof Request)) throw new TypeError('handler.fetch: a Request is required');
    const url = new URL(request.url);
    // The body is read from the client only as the route reads it (a route that answers without
    // it, or refuses it as too large, never downloads it), and the stream does not close when the
    // body ends: on node:http, 'close' means the client left.
    const reader = request.body?.getReader();
    const body = new Readable({
      autoDestroy: false,
      read() {
        if (!reader) return void this.push(null);
        reader.read().then(
          ({ done, value }) => void this.push(done ? null : Buffer.from(value)),
          (error: Error) => this.destroy(error),
        );
      },
    });
    const req = Object.assign(body, {
      method: request.method,
      url: url.pathname + url.search,
      headers: Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value])),
      fetchRequest: request,
    }) as unknown as IncomingMessage;
    const res = new ResponseStandIn();
    // A client that goes away closes the request, as on node:http: the status stream stops.
    const signal = request.signal;
    const closed = () => {
      signal?.removeEventListener('abort', closed);
      req.emit('close');
    };
    res.onCancel = closed;
    res.onEnd = () => signal?.removeEventListener('abort', closed);
    if (signal?.aborted) queueMicrotask(closed);
    else signal?.addEventListener('abort', closed, { once: true });
    void handle(req, res as unknown as ServerResponse)
      .catch(() => {
        // The routes answer their own errors; this is for one that escaped them.
        if (res.headersSent) res.end();
        else res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' }).end('{"code":"internal_error","message":"Internal error"}');
      })
      // Whatever the route left unread is not downloaded.
      .finally(() => void reader?.cancel().catch(() => undefined));
    return res.response;
  };
}
