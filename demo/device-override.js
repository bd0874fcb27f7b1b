// Demo only: makes this page look like a phone to the widget by overriding what it reads from
// navigator (the user agent, touch points, Client Hints), so both flows can be tried on one
// desktop. A real page never does this. The choice survives the trip to the wallet and back.
const DEVICES = {
  desktop: {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    platform: 'macOS',
    mobile: false,
    touchPoints: 0,
  },
  iphone: {
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    platform: 'iOS',
  },
  android: {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
    platform: 'Android',
  },
};

/** 'detected' (no override: what the browser says), or the device the demo pretends to be. */
export function currentDevice() {
  const asked = new URLSearchParams(location.search).get('device');
  if (asked) sessionStorage.setItem('demo-device', asked);
  const device = sessionStorage.getItem('demo-device') ?? 'detected';
  return Object.hasOwn(DEVICES, device) ? device : 'detected';
}

const device = Object.hasOwn(DEVICES, currentDevice()) ? DEVICES[currentDevice()] : undefined;
if (device) {
  const define = (name, value) => Object.defineProperty(Navigator.prototype, name, { configurable: true, get: () => value });
  define('userAgent', device.userAgent);
  define('maxTouchPoints', device.touchPoints ?? 5);
  define('userAgentData', { mobile: device.mobile ?? true, platform: device.platform, brands: [] });
}
