import { expect } from '@open-wc/testing';
import { detectEnvironment } from '../../../src/lib/environment.js';

export const UA = {
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  iPhoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iPhoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  iPhoneWebView:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  iPhoneFacebook:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109;FBBV/123;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5]',
  iPadSafari:
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iPadDesktopMode:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
  androidReduced:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  androidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  androidWebView:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.104 Mobile Safari/537.36',
  alipayHKiOS:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(APHK/5.8.0) AlipayClientHK/5.8.0 Language/zh-Hant Region/HK',
  alipayHKAndroid:
    'Mozilla/5.0 (Linux; U; Android 13; zh-HK; SM-S9180 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 AliApp(APHK/5.8.0) AlipayClientHK/5.8.0 Language/zh-Hant',
  alipayMainland:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AlipayClient/10.5.80 Language/zh-Hans',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  smartTv:
    'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36',
};

describe('SPEC §5 detectEnvironment: device type', () => {
  it('desktop browsers are desktop / WEB / qr with no OS type', () => {
    for (const ua of [UA.macChrome, UA.windowsEdge, UA.linuxFirefox]) {
      expect(detectEnvironment(ua, {})).to.deep.equal({
        deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false,
      });
    }
  });

  it('a TV counts as a desktop', () => {
    expect(detectEnvironment(UA.smartTv, {})).to.include({ deviceType: 'desktop', terminalType: 'WEB', flow: 'qr' });
  });

  it('iPhone Safari and Chrome are mobile / WAP / IOS / redirect', () => {
    for (const ua of [UA.iPhoneSafari, UA.iPhoneChrome]) {
      expect(detectEnvironment(ua, {})).to.deep.equal({
        deviceType: 'mobile', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false,
      });
    }
  });

  it('Android Chrome, also with a reduced user agent, is mobile / WAP / ANDROID', () => {
    for (const ua of [UA.androidChrome, UA.androidReduced]) {
      expect(detectEnvironment(ua, {})).to.include({ deviceType: 'mobile', terminalType: 'WAP', osType: 'ANDROID', flow: 'redirect' });
    }
  });

  it('iPad and Android tablets are tablet / WAP / redirect', () => {
    expect(detectEnvironment(UA.iPadSafari, {})).to.include({ deviceType: 'tablet', terminalType: 'WAP', osType: 'IOS', flow: 'redirect' });
    expect(detectEnvironment(UA.androidTablet, {})).to.include({ deviceType: 'tablet', terminalType: 'WAP', osType: 'ANDROID' });
  });

  it('an iPad asking for the desktop site (Macintosh with touch points) is a tablet on IOS', () => {
    expect(detectEnvironment(UA.iPadDesktopMode, { maxTouchPoints: 5 })).to.deep.equal({
      deviceType: 'tablet', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false,
    });
  });

  it('a real Mac (no touch points) stays a desktop', () => {
    expect(detectEnvironment(UA.iPadDesktopMode, { maxTouchPoints: 0 })).to.include({ deviceType: 'desktop', osType: null });
  });

  it('Client Hints mobile=true makes a reduced user agent mobile', () => {
    const reducedDesktopLooking = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(detectEnvironment(reducedDesktopLooking, { userAgentData: { mobile: true, platform: 'Android' } })).to.include({
      deviceType: 'mobile', terminalType: 'WAP', osType: 'ANDROID', flow: 'redirect',
    });
    expect(detectEnvironment(reducedDesktopLooking, { userAgentData: { mobile: false } })).to.include({ deviceType: 'desktop' });
  });
});

describe('SPEC §5 detectEnvironment: app web views and the wallet', () => {
  it('an Android web view (; wv)) is APP and inApp', () => {
    expect(detectEnvironment(UA.androidWebView, {})).to.deep.equal({
      deviceType: 'mobile', terminalType: 'APP', osType: 'ANDROID', flow: 'redirect', inApp: true, inWallet: false,
    });
  });

  it('an iOS web view without a Safari/ token is APP and inApp', () => {
    for (const ua of [UA.iPhoneWebView, UA.iPhoneFacebook]) {
      expect(detectEnvironment(ua, {})).to.include({ terminalType: 'APP', osType: 'IOS', inApp: true, inWallet: false });
    }
  });

  it('the AlipayHK app itself is APP, inApp and inWallet, on iOS and Android', () => {
    expect(detectEnvironment(UA.alipayHKiOS, {})).to.deep.equal({
      deviceType: 'mobile', terminalType: 'APP', osType: 'IOS', flow: 'redirect', inApp: true, inWallet: true,
    });
    expect(detectEnvironment(UA.alipayHKAndroid, {})).to.include({ terminalType: 'APP', osType: 'ANDROID', inApp: true, inWallet: true });
  });

  it('the mainland Alipay app counts as a wallet too', () => {
    expect(detectEnvironment(UA.alipayMainland, {})).to.include({ terminalType: 'APP', inWallet: true });
  });

  it('AliApp(APHK alone is enough', () => {
    expect(detectEnvironment(`${UA.iPhoneSafari} AliApp(APHK/5.8.0)`, {})).to.include({ inWallet: true, terminalType: 'APP' });
  });
});

describe('SPEC §5 detectEnvironment: input', () => {
  it('an empty user agent is a desktop', () => {
    expect(detectEnvironment('', {})).to.include({ deviceType: 'desktop', terminalType: 'WEB' });
  });

  it('a non-string user agent is a TypeError naming ua', () => {
    expect(() => detectEnvironment(42 as unknown as string)).to.throw(TypeError, /ua/);
  });

  it('without arguments it reads this browser', () => {
    expect(detectEnvironment()).to.deep.equal(detectEnvironment(navigator.userAgent, { maxTouchPoints: navigator.maxTouchPoints, userAgentData: (navigator as any).userAgentData }));
  });
});
