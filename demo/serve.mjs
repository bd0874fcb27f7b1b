// `npm start`: the demo on http://127.0.0.1:5173 with the scripted backend.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { scriptedBackend } from './scripted-backend.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 5173);
const origin = `http://${HOST}:${PORT}`;
const root = fileURLToPath(new URL('..', import.meta.url));

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'warn',
  server: { host: HOST, port: PORT, strictPort: true },
  // The demo imports the package by its name, as a merchant's app does.
  resolve: { alias: { 'alipayhk-checkout': `${root}src/index.ts` } },
  plugins: [
    {
      name: 'demo-backend',
      configureServer(vite) {
        vite.middlewares.use((req, res, next) => {
          if (req.url === '/' || req.url === '/index.html') {
            res.statusCode = 302;
            res.setHeader('Location', '/demo/');
            return res.end();
          }
          next();
        });
        vite.middlewares.use(scriptedBackend({ origin }));
      },
    },
  ],
});
await server.listen();
console.log(`alipayhk-checkout demo
  npm import:   ${origin}/demo/
  script tag:   ${origin}/demo/script-tag.html
  merchant API: ${origin}/api/alipayhk/sessions
Press Ctrl-C to stop.`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
