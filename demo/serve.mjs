// `npm start`: the demo shop on http://127.0.0.1:5173 and the sandbox provider beside it.
import { startDemo } from './server.mjs';

const demo = await startDemo({ port: Number(process.env.PORT ?? 5173), sandboxPort: Number(process.env.SANDBOX_PORT ?? 5174) });
console.log(`alipayhk-checkout demo
  shop (npm import):  ${demo.origin}/demo/
  shop (script tag):  ${demo.origin}/demo/script-tag.html
  merchant backend:   ${demo.origin}${demo.basePath}
  sandbox providers:  ${Object.entries(demo.sandboxes).map(([name, sandbox]) => `${name} ${sandbox.url}`).join(', ')}
                      (their wallet pages are where you pay)
Press Ctrl-C to stop.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // Open keep-alive connections from a browser tab must not hold the terminal.
  setTimeout(() => process.exit(0), 2000).unref();
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
