// Web-test-runner commands that make the test page look like another device (user agent,
// Client Hints, touch points) through the Chrome DevTools Protocol, so that environment
// detection is tested in a real browser reading a real navigator; and one that sets media
// features (dark mode, reduced motion, forced colours) the same way.
const cdpSessions = new WeakMap();

export function deviceEmulationPlugin() {
  return {
    name: 'device-emulation',
    async executeCommand({ command, payload, session }) {
      if (command === 'emulate-media-features') {
        // payload: { 'prefers-color-scheme': 'dark', 'forced-colors': 'active', … }; {} resets.
        const client = await cdpOf(session.browser.getPage(session.id));
        await client.send('Emulation.setEmulatedMedia', { features: Object.entries(payload ?? {}).map(([name, value]) => ({ name, value })) });
        return true;
      }
      if (command !== 'emulate-device') return undefined;
      const page = session.browser.getPage(session.id);
      const browserUserAgent = await page.browser().userAgent();
      const { userAgent, mobile = false, maxTouchPoints = 0 } = payload ?? {};
      await page.setUserAgent({
        userAgent: userAgent ?? browserUserAgent,
        userAgentMetadata: userAgent
          ? { brands: [], platform: '', platformVersion: '', architecture: '', model: '', mobile }
          : undefined,
      });
      // Straight to CDP: puppeteer's setViewport({ hasTouch }) reloads the page, ending the test.
      const client = await cdpOf(page);
      await client.send('Emulation.setTouchEmulationEnabled', { enabled: maxTouchPoints > 0, maxTouchPoints: Math.max(1, maxTouchPoints) });
      return true;
    },
  };
}

async function cdpOf(page) {
  let client = cdpSessions.get(page);
  if (!client) {
    client = await page.createCDPSession();
    cdpSessions.set(page, client);
  }
  return client;
}
