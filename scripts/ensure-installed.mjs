// Lets `npm start` and `npm test` work on a fresh clone: installs the npm packages when they are
// missing or older than package-lock.json, and (with --browser) Debian's Chromium when there is
// no Chromium on the machine.
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

if (process.argv.includes('--browser')) {
  const { chromePath } = await import('./chrome-path.mjs');
  if (!chromePath()) {
    if (process.getuid?.() !== 0) {
      console.error('No Chromium found. Install it (Debian: sudo apt-get install -y chromium) or set CHROME_PATH.');
      process.exit(1);
    }
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
  }
}
