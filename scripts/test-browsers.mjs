// `npm run test:browser`: web-test-runner in Chromium, Firefox ESR and WebKit (BROWSERS picks,
// default all three). WebKit has no headless mode here: its WebDriver (WebKitWebDriver, which
// starts MiniBrowser) runs under Xvfb on a free port for the length of the run.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/node/free-port.mjs';

const browsers = process.env.BROWSERS ?? 'chromium,firefox,webkit';
const env = { ...process.env, BROWSERS: browsers };
let driver;

if (browsers.split(',').includes('webkit')) {
  const port = await freePort();
  env.WEBKIT_DRIVER_PORT = String(port);
  // Its own process group, so that Xvfb and MiniBrowser go with it.
  driver = spawn('xvfb-run', ['-a', process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver', `--port=${port}`], { detached: true, stdio: 'ignore' });
  driver.once('error', (error) => {
    console.error(`WebKitWebDriver could not start (${error.message}): apt-get install webkit2gtk-driver xvfb xauth`);
    process.exit(1);
  });
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (ready) break;
    if (attempt > 100) throw new Error('WebKitWebDriver did not come up within 10 s');
    await sleep(100);
  }
}

const runner = spawn(process.execPath, [new URL('../node_modules/@web/test-runner/dist/bin.js', import.meta.url).pathname, ...process.argv.slice(2)], {
  env,
  stdio: 'inherit',
});
const code = await new Promise((resolve) => runner.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
if (driver) {
  try {
    process.kill(-driver.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
process.exit(code);
