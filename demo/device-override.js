// Demo only: makes this page look like a phone to the widget by overriding what it reads from
// navigator (the user agent, touch points, Client Hints), so both flows can be tried on one
// desktop. A real page never does this. The choice survives the trip to the wallet and back.
const DEVICES = {
  iphone: {
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    platform: 'iOS',
  },
  android: {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
    platform: 'Android',
  },
};

export function currentDevice() {
  const asked = new URLSearchParams(location.search).get('device');
  if (asked) sessionStorage.setItem('demo-device', asked);
  const device = sessionStorage.getItem('demo-device') ?? 'desktop';
  return DEVICES[device] ? device : 'desktop';
}

const device = DEVICES[currentDevice()];
if (device) {
  const define = (name, value) => Object.defineProperty(Navigator.prototype, name, { configurable: true, get: () => value });
  define('userAgent', device.userAgent);
  define('maxTouchPoints', 5);
  define('userAgentData', { mobile: true, platform: device.platform, brands: [] });
}
