// A web-test-runner command that makes the test page look like another device (user agent,
// Client Hints, touch points) through the Chrome DevTools Protocol, so that environment
// detection is tested in a real browser reading a real navigator.
export function deviceEmulationPlugin() {
  return {
    name: 'device-emulation',
    async executeCommand({ command, payload, session }) {
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
      await page.setViewport({ width: 800, height: 600, hasTouch: maxTouchPoints > 0 });
      return true;
    },
  };
}
