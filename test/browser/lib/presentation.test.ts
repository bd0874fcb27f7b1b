import { expect } from '@open-wc/testing';
import type { Environment } from '../../../src/lib/environment.js';
import { choosePresentation } from '../../../src/lib/presentation.js';
import type { CheckoutSession } from '../../../src/lib/session.js';

const desktop: Environment = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };
const phone: Environment = { deviceType: 'mobile', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false };
const wallet: Environment = { ...phone, terminalType: 'APP', inApp: true, inWallet: true };
const both: CheckoutSession = {
  id: 's', amount: { value: 1, currency: 'HKD' }, statusUrl: 'https://m.example/s',
  qrCode: 'https://qr.alipay.com/x', redirectUrl: 'https://wallet.example/r',
};

describe('SPEC §5 flow precedence', () => {
  it('follows the detected flow by default', () => {
    expect(choosePresentation(both, desktop, 'auto', false)).to.deep.equal({ flow: 'qr', qrContent: 'https://qr.alipay.com/x' });
    expect(choosePresentation(both, phone, 'auto', false)).to.deep.equal({ flow: 'redirect', redirectUrl: 'https://wallet.example/r', automatic: false });
  });

  it('the session flow beats detection, and the attribute beats both', () => {
    expect(choosePresentation({ ...both, flow: 'redirect' }, desktop, 'auto', false).flow).to.equal('redirect');
    expect(choosePresentation({ ...both, flow: 'redirect' }, desktop, 'qr', false).flow).to.equal('qr');
    expect(choosePresentation({ ...both, flow: 'qr' }, phone, 'redirect', false).flow).to.equal('redirect');
  });

  it("QR flow with only a redirectUrl opens the provider's page in a popup, never re-encodes it (SPEC §5)", () => {
    const { qrCode: _, ...onlyRedirect } = both;
    expect(choosePresentation(onlyRedirect, desktop, 'auto', false)).to.deep.equal({
      flow: 'qr', popupUrl: 'https://wallet.example/r',
    });
  });

  it('redirect flow with only an https qrCode redirects to it, otherwise shows the QR', () => {
    const { redirectUrl: _, ...onlyQr } = both;
    expect(choosePresentation(onlyQr, phone, 'auto', false)).to.deep.equal({ flow: 'redirect', redirectUrl: 'https://qr.alipay.com/x', automatic: false });
    expect(choosePresentation({ ...onlyQr, qrCode: 'ALIPAYHK:0001' }, phone, 'auto', false)).to.deep.equal({ flow: 'qr', qrContent: 'ALIPAYHK:0001' });
  });

  it('the redirect is automatic inside the wallet or with auto-redirect', () => {
    expect(choosePresentation(both, wallet, 'auto', false)).to.include({ automatic: true });
    expect(choosePresentation(both, phone, 'auto', true)).to.include({ automatic: true });
  });
});
