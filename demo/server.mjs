// The demo shop as a server: pages and widget through Vite, the merchant backend, and the
// sandbox provider beside it. `npm start` and the end-to-end tests both start it from here.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { startDemoMerchant } from './merchant.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function startDemo({ host = '127.0.0.1', port = 5173, sandboxPort = 0, paymentLifetimeMs, logger = console } = {}) {
  const origin = `http://${host}:${port}`;
  const merchant = await startDemoMerchant({ origin, sandboxPort, paymentLifetimeMs, logger });
  const vite = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    server: { host, port, strictPort: true, hmr: false },
    // The demo imports the package by its name, as a merchant's app does.
    resolve: { alias: { 'alipayhk-checkout': `${root}src/index.ts` } },
    // Only the demo's pages, and the CommonJS dependencies pre-bundled up front: a dependency
    // found while a shopper is on the page makes Vite reload it mid-payment.
    optimizeDeps: { entries: ['demo/**/*.html'], include: ['ua-parser-js', 'qrcode/lib/core/qrcode.js'] },
    plugins: [
      {
        name: 'demo-merchant',
        configureServer(server) {
          server.middlewares.use((req, res, next) => {
            if (req.url === '/' || req.url === '/index.html') {
              res.writeHead(302, { Location: '/demo/' });
              return res.end();
            }
            next();
          });
          // The shop's back office, demo only (a real shop would check who asks): refund a paid session.
          server.middlewares.use('/demo/refund', async (req, res) => {
            const answer = (status, body) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
            try {
              let text = '';
              for await (const chunk of req) text += chunk;
              const { provider, sessionId } = JSON.parse(text || '{}');
              answer(200, await merchant.refund(provider, sessionId));
            } catch (error) {
              answer(error.status ?? 400, { code: error.code ?? 'refund_failed', message: error.message });
            }
          });
          // The merchant backend, mounted like any node:http / Connect / Express handler.
          server.middlewares.use(merchant.handler);
        },
      },
    ],
  });
  await vite.listen();
  return {
    origin,
    basePath: merchant.basePath,
    sandboxes: merchant.sandboxes,
    statusChanges: merchant.statusChanges,
    async close() {
      await Promise.all([vite.close(), merchant.close()]);
    },
  };
}
