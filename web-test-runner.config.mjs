import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import rollupCommonjs from '@rollup/plugin-commonjs';
import { chromeLauncher } from '@web/test-runner-chrome';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { fakeMerchant } from './test/support/fake-merchant.mjs';
import { deviceEmulationPlugin } from './test/support/device-emulation.mjs';
import { chromePath } from './scripts/chrome-path.mjs';

const commonjs = fromRollup(rollupCommonjs);

const CHROMIUM_ONLY = ['test/browser/element/devices.test.ts', 'test/browser/element/media.test.ts'];

const launchers = {
  chromium: () =>
    chromeLauncher({
      // Files run side by side in tabs, and a background tab is `hidden`: it gets no animation
      // frames and, by the contract, must not poll. Focus emulation keeps every tab visible.
      createBrowserContext: ({ browser }) => browser.createBrowserContext(),
      async createPage({ context }) {
        const page = await context.newPage();
        const cdp = await page.createCDPSession();
        await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
        return page;
      },
      launchOptions: {
        executablePath: chromePath(),
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
        ],
      },
    }),
  firefox: () =>
    puppeteerLauncher({
      concurrency: 1,
      launchOptions: { browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true },
    }),
  // WebKit, the engine of every iPhone browser: MiniBrowser driven by WebKitWebDriver, which
  // scripts/test-browsers.mjs starts under Xvfb on WEBKIT_DRIVER_PORT.
  webkit: () =>
    webdriverLauncher({
      automationProtocol: 'webdriver',
      hostname: '127.0.0.1',
      port: Number(process.env.WEBKIT_DRIVER_PORT ?? 4445),
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
          args: ['--automation'],
        },
      },
    }),
};

/** BROWSERS=chromium,firefox picks the engines (default: both). */
const engines = (process.env.BROWSERS ?? 'chromium,firefox').split(',').map((name) => name.trim()).filter(Boolean);
for (const engine of engines) if (!launchers[engine]) throw new Error(`BROWSERS: unknown engine ${engine}`);

export default {
  files: ['test/browser/**/*.test.ts', ...CHROMIUM_ONLY.map((file) => `!${file}`)],
  hostname: '127.0.0.1',
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  // One file at a time per engine: the three engines already run side by side on two cores.
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  middleware: [fakeMerchant],
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  plugins: [
    commonjs({ include: ['**/node_modules/qrcode/**', '**/node_modules/dijkstrajs/**', '**/node_modules/ua-parser-js/**', '**/node_modules/jsqr/**'] }),
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    deviceEmulationPlugin(),
  ],
  browsers: engines.map((engine) => launchers[engine]()),
  groups: [
    // Device emulation goes through the Chrome DevTools Protocol.
    { name: 'chromium-only', files: CHROMIUM_ONLY, browsers: engines.includes('chromium') ? [launchers.chromium()] : [] },
  ],
};
