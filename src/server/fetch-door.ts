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
  #listeners = new Map<string, Array<(...args: unknown[]) => void>>();
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
    }
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    return this.once(event, listener);
  }
}

export function fetchDoor(handle: NodeHandle): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    if (!(request instanceof Request)) throw new TypeError('handler.fetch: a Request is required');
    const url = new URL(request.url);
    // A stream that does not close when its body ends: on node:http, 'close' means the client left.
    const body = new Readable({ autoDestroy: false, read() {} });
    (async () => {
      if (request.body) for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) body.push(Buffer.from(chunk));
      body.push(null);
    })().catch((error: Error) => body.destroy(error));
    const req = Object.assign(body, {
      method: request.method,
      url: url.pathname + url.search,
      headers: Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value])),
      fetchRequest: request,
    }) as unknown as IncomingMessage;
    const res = new ResponseStandIn();
    // A client that goes away closes the request, as on node:http: the status stream stops.
    const closed = () => req.emit('close');
    res.onCancel = closed;
    request.signal?.addEventListener('abort', closed, { once: true });
    const done = handle(req, res as unknown as ServerResponse).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' }).end('{"code":"internal_error","message":"Internal error"}');
    });
    void done;
    return res.response;
  };
}
