// Which AlipayHK terminal the shopper is on decides both the provider's device fields and whether
// we show a QR or send the shopper into the app, so this must be right for the awkward cases:
// iPads asking for the desktop site, reduced user agents, in-app web views and the wallet itself.
import UAParser from 'ua-parser-js';

export type DeviceType = 'desktop' | 'mobile' | 'tablet';
export type TerminalType = 'WEB' | 'WAP' | 'APP';
export type OsType = 'IOS' | 'ANDROID';
export type Flow = 'qr' | 'redirect';

export interface Environment {
  deviceType: DeviceType;
  terminalType: TerminalType;
  osType: OsType | null;
  flow: Flow;
  /** Inside a native app's web view (the wallet's own browser included). */
  inApp: boolean;
  /** Inside the AlipayHK or Alipay app, where the redirect happens without a button. */
  inWallet: boolean;
}

/** What the browser tells beyond the user-agent string. */
export interface EnvironmentHints {
  /** `navigator.maxTouchPoints`: tells an iPad asking for the desktop site from a Mac. */
  maxTouchPoints?: number;
  /** `navigator.userAgentData` (User-Agent Client Hints), present where the UA string is reduced. */
  userAgentData?: { mobile?: boolean; platform?: string } | null;
}

const WALLET_TOKENS = /AlipayClientHK|AliApp\(APHK|AlipayClient/i;
const ANDROID_WEB_VIEW = /; wv\)/;

function hintsFromNavigator(): EnvironmentHints {
  const nav = globalThis.navigator as (Navigator & { userAgentData?: EnvironmentHints['userAgentData'] }) | undefined;
  return nav ? { maxTouchPoints: nav.maxTouchPoints, userAgentData: nav.userAgentData } : {};
}

/**
 * Reads the shopper's environment from a user-agent string. Without arguments it reads the
 * current browser's `navigator`; with a `ua` it is pure and uses only the `hints` given.
 */
export function detectEnvironment(ua?: string, hints?: EnvironmentHints): Environment {
  if (ua === undefined) {
    ua = globalThis.navigator?.userAgent ?? '';
    hints ??= hintsFromNavigator();
  }
  if (typeof ua !== 'string') throw new TypeError('detectEnvironment: ua must be a string');
  hints ??= {};
  // Only the OS and the device: the script-tag builds ship ua-parser-js without its other tables.
  // ua-parser-js reads the browser's own user agent when given an empty one: a single space keeps
  // this pure (an empty user agent is a desktop, in a browser as in Node).
  const parser = new UAParser(ua || ' ');
  const osName = parser.getOS().name ?? '';
  const touchPoints = typeof hints.maxTouchPoints === 'number' ? hints.maxTouchPoints : 0;
  const iPadAsDesktop = osName === 'Mac OS' && touchPoints > 1;
  const clientHintsPlatform = hints.userAgentData?.platform ?? '';

  let osType: OsType | null = null;
  if (osName === 'iOS' || iPadAsDesktop) osType = 'IOS';
  else if (osName === 'Android' || clientHintsPlatform === 'Android') osType = 'ANDROID';

  let deviceType: DeviceType = 'desktop';
  const parsedType = parser.getDevice().type;
  if (parsedType === 'mobile') deviceType = 'mobile';
  else if (parsedType === 'tablet' || iPadAsDesktop) deviceType = 'tablet';
  else if (osType === 'ANDROID' && parsedType === undefined) {
    // Android phones carry a "Mobile" token; Android tablets leave it out.
    deviceType = /\bMobile\b/.test(ua) ? 'mobile' : 'tablet';
  }
  if (hints.userAgentData?.mobile === true) deviceType = 'mobile';
  // Android apps and web views on ChromeOS say "Android … Chromebook": a laptop, so the QR.
  if (/\bChromebook\b/.test(ua)) deviceType = 'desktop';

  const inWallet = WALLET_TOKENS.test(ua);
  const iosWebView = osType === 'IOS' && /AppleWebKit\//.test(ua) && !/Safari\//.test(ua);
  const inApp = inWallet || (osType === 'ANDROID' && ANDROID_WEB_VIEW.test(ua)) || iosWebView;

  const terminalType: TerminalType = deviceType === 'desktop' ? 'WEB' : inApp ? 'APP' : 'WAP';
  return {
    deviceType,
    terminalType,
    osType,
    flow: deviceType === 'desktop' ? 'qr' : 'redirect',
    inApp,
    inWallet,
  };
}
