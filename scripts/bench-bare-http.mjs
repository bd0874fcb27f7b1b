// The baseline of `npm run bench:server`'s requests per second: bare node:http answering what the
// status route answers for a pending session, `{"status":"pending"}` with the headers of the
// handler's sendJson, in a process of its own. Forked with an IPC channel: it says
// `{ ready, origin }` there, answers `{ id, type: 'stats' }` with its CPU time, and exits when
// the channel closes.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const text = JSON.stringify({ status: 'pending' });
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
});
await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, resolve));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
// The CPU time this process spent, for the bench's microseconds per request.
process.on('message', (message) => message?.type === 'stats' && process.send({ id: message.id, cpu: process.cpuUsage() }));
process.send({ ready: true, origin: `http://127.0.0.1:${server.address().port}` });
