import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { UA } from '../user-agents.js';
import { detectEnvironment } from '../../../src/lib/environment.js';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

interface Device {
  userAgent?: string;
  mobile?: boolean;
  maxTouchPoints?: number;
}

const emulate = (device: Device) => executeServerCommand('emulate-device', device);

async function createRequestFrom(device: Device) {
  await emulate(device);
  const s = await scenario();
  const mounted = await mount({ sessionUrl: s.sessionUrl });
  await waitForEvent(mounted.events, 'alipayhk-ready');
  const [create] = await s.requests('create');
  return { ...mounted, environment: create.body.environment };
}

describe('SPEC §5 the environment sent and used, read from the real navigator', () => {
  afterEach(async () => {
    await emulate({});
    clearResumeStorage();
  });

  it('iPhone Safari: WAP / IOS / redirect, with the Pay with AlipayHK button', async () => {
    const { el, environment } = await createRequestFrom({ userAgent: UA.iPhoneSafari, mobile: true, maxTouchPoints: 5 });
    expect(environment).to.deep.equal({ deviceType: 'mobile', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false });
    expect(el.environment).to.deep.equal(environment);
    await until(() => !!shadow(el).querySelector('button[part="button"]'), 'the pay button (its strings load)');
    expect(shadow(el).querySelector('button[part="button"]')!.textContent).to.equal('Pay HK$123.45 with AlipayHK');
    expect(shadow(el).querySelector('svg') === null, 'no QR').to.equal(true);
    expect(text(el), 'a QR for another phone is offered').to.contain('Pay with another phone');
    await expect(el).to.be.accessible();
  });

  it('an iPhone paying with another phone gets a QR: the new session is created for a desktop', async () => {
    await emulate({ userAgent: UA.iPhoneSafari, mobile: true, maxTouchPoints: 5 });
    // An empty user agent is a desktop here too: ua-parser-js alone would read this iPhone's.
    expect(detectEnvironment('', {})).to.include({ deviceType: 'desktop', terminalType: 'WEB', flow: 'qr' });
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl });
    await until(() => text(el).includes('Pay with another phone'), 'the offer');
    [...shadow(el).querySelectorAll('button')].find((b) => b.textContent === 'Pay with another phone')!.click();
    await waitForEvent(events, 'alipayhk-ready', 2);
    const creates = await s.requests('create');
    expect(creates[0].body.environment).to.include({ deviceType: 'mobile', terminalType: 'WAP' });
    expect(creates[1].body.environment).to.deep.equal({ deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false });
    await until(() => !!shadow(el).querySelector('svg[part="qr"] path'), 'a QR for the other phone');
  });

  it('Android Chrome: WAP / ANDROID / redirect', async () => {
    const { environment } = await createRequestFrom({ userAgent: UA.androidChrome, mobile: true, maxTouchPoints: 5 });
    expect(environment).to.include({ deviceType: 'mobile', terminalType: 'WAP', osType: 'ANDROID', flow: 'redirect', inApp: false });
  });

  it('Android web view: APP / ANDROID / inApp', async () => {
    const { environment } = await createRequestFrom({ userAgent: UA.androidWebView, mobile: true, maxTouchPoints: 5 });
    expect(environment).to.deep.equal({ deviceType: 'mobile', terminalType: 'APP', osType: 'ANDROID', flow: 'redirect', inApp: true, inWallet: false });
  });

  it('iPad asking for the desktop site: tablet / WAP / IOS / redirect', async () => {
    const { environment } = await createRequestFrom({ userAgent: UA.iPadDesktopMode, mobile: false, maxTouchPoints: 5 });
    expect(environment).to.deep.equal({ deviceType: 'tablet', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false });
  });

  it('the AlipayHK app: APP / IOS / inWallet, and the redirect happens without a button', async () => {
    await emulate({ userAgent: UA.alipayHKiOS, mobile: true, maxTouchPoints: 5 });
    const s = await scenario();
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-redirect');
    const [create] = await s.requests('create');
    expect(create.body.environment).to.deep.equal({ deviceType: 'mobile', terminalType: 'APP', osType: 'IOS', flow: 'redirect', inApp: true, inWallet: true });
    expect(events.of('alipayhk-redirect')[0].detail.url).to.equal(`https://wallet.example/pay/${s.id}`);
  });

  it('a desktop with Client Hints mobile=true is treated as a phone', async () => {
    const reduced = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const { environment } = await createRequestFrom({ userAgent: reduced, mobile: true });
    expect(environment).to.include({ deviceType: 'mobile', terminalType: 'WAP', flow: 'redirect' });
  });
});
