import { expect } from '@open-wc/testing';
import { detectEnvironment } from '../../../src/lib/environment.js';
import { UA } from '../user-agents.js';


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

  it('a Chromebook is a laptop (WEB, QR), also where its browser reports Android (issue 13)', () => {
    // ua-parser-js calls these a tablet and a phone: "Chromebook" is read as the device's model.
    for (const ua of [UA.chromebookAndroid, UA.chromebookWebView, UA.chromeOS]) {
      expect(detectEnvironment(ua, {}), ua).to.include({ deviceType: 'desktop', terminalType: 'WEB', flow: 'qr' });
    }
    expect(detectEnvironment(UA.chromebookAndroid, {}).osType).to.equal('ANDROID');
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
