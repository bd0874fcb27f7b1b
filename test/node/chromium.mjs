// Headless Chromium for the Node-side tests and benchmarks (puppeteer-core on the system browser).
// Without the background-networking flags, Chromium's own calls home fail on these offline machines.
import puppeteer from 'puppeteer-core';
import { chromePath } from '../../scripts/chrome-path.mjs';

export function launchChromium(extraArgs = []) {
  return puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs,
    ],
  });
}
