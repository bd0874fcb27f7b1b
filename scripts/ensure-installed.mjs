// Lets `npm start` and `npm test` work on a fresh clone: installs the npm packages when they are
// missing or older than package-lock.json, and (with --test-tools) what the tests run against
// from Debian: Chromium, Firefox ESR, WebKit's WebDriver with Xvfb, and redis-server, when the
// machine lacks them.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

function run(command) {
  console.log(`> ${command}`);
  execSync(command, { stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
}

const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs) {
  run('npm ci --no-audit --no-fund');
}

if (process.argv.includes('--test-tools')) {
  const { chromePath } = await import('./chrome-path.mjs');
  const missing = [];
  if (!chromePath()) missing.push('chromium');
  if (!existsSync(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr')) missing.push('firefox-esr');
  if (!existsSync('/usr/bin/WebKitWebDriver')) missing.push('webkit2gtk-driver');
  if (!existsSync('/usr/bin/xvfb-run')) missing.push('xvfb', 'xauth');
  if (!existsSync('/usr/bin/redis-server')) missing.push('redis-server');
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      console.error(`Missing ${missing.join(' and ')}. Install them (Debian: sudo apt-get install -y ${missing.join(' ')}); set CHROME_PATH / FIREFOX_PATH for other builds.`);
      process.exit(1);
    }
    run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`);
  }
}
