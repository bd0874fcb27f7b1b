import { expect } from '@open-wc/testing';
import { decodeRenderedQr } from '../qr-decode.js';
import { clearResumeStorage, mount, scenario, shadow, text, until, waitForEvent } from '../helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('SPEC §2–3 desktop: create a session and show its QR', () => {
  afterEach(clearResumeStorage);

  it('POSTs the detected environment with an Idempotency-Key and shows a QR of the session qrCode', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl, context: { orderId: 'A-1001' } });
    await waitForEvent(events, 'alipayhk-ready');

    const [create] = await s.requests('create');
    expect(create.method).to.equal('POST');
    expect(create.headers['content-type']).to.equal('application/json');
    expect(create.headers['idempotency-key']).to.match(UUID);
    expect(create.body.environment).to.deep.equal({
      deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false,
    });
    expect(create.body.context).to.deep.equal({ orderId: 'A-1001' });
    expect(create.body.locale).to.equal('en');

    const ready = events.of('alipayhk-ready')[0].detail;
    expect(ready.flow).to.equal('qr');
    expect(ready.session.id).to.equal(`cs_${s.id}`);
    expect(el.status).to.equal('pending');

    await until(() => !!shadow(el).querySelector('svg[part="qr"] path'), 'QR drawn');
    const svg = shadow(el).querySelector<SVGSVGElement>('svg[part="qr"]')!;
    expect(await decodeRenderedQr(svg)).to.equal(`https://qr.alipay.com/bax0${s.id}`);
    expect(svg.getAttribute('role')).to.equal('img');
    expect(svg.getAttribute('aria-label')).to.equal('QR code to pay HK$123.45 to Test Shop with AlipayHK');
    expect(shadow(el).querySelector('img')).to.equal(null);

    expect(text(el)).to.contain('HK$123.45');
    await until(() => text(el).includes('Scan with the AlipayHK app'), 'the instruction');
    expect(text(el)).to.match(/Code expires in 1[45]:\d\d/);
    await expect(el).to.be.accessible();
  });

  it('draws the QR at least 160 CSS px wide, even when the page asks for less', async () => {
    const s = await scenario();
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    await until(() => !!shadow(el).querySelector('svg[part="qr"] path'), 'QR drawn');
    const qr = () => shadow(el).querySelector('svg[part="qr"]')!.getBoundingClientRect().width;
    expect(qr()).to.equal(200);
    el.style.setProperty('--alipayhk-qr-size', '100px');
    expect(qr()).to.equal(160);
    el.style.setProperty('--alipayhk-qr-size', '240px');
    expect(qr()).to.equal(240);
  });

  it('polls the status URL with Accept: application/json while the QR is shown', async () => {
    const s = await scenario();
    const { events } = await mount({ sessionUrl: s.sessionUrl });
    await waitForEvent(events, 'alipayhk-ready');
    await until(async () => (await s.requests('status')).length >= 3, 'three polls');
    const [poll] = await s.requests('status');
    expect(poll.method).to.equal('GET');
    expect(poll.headers.accept).to.equal('application/json');
  });

  it('shows the creating state until the session arrives', async () => {
    const s = await scenario({ create: [{ status: 201, hang: true }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    expect(el.status).to.equal('creating');
    expect(shadow(el).querySelector('[part="spinner"]'), 'a spinner').to.not.equal(null);
    await until(() => text(el).includes('Preparing your payment'), 'the creating message');
    expect(el.status).to.equal('creating');
    await expect(el).to.be.accessible();
  });
});

describe('SPEC §2 locale', () => {
  afterEach(clearResumeStorage);

  it('uses the locale attribute, and sends it in the create request', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { locale: 'zh-HK' });
    await waitForEvent(events, 'alipayhk-ready');
    // The Chinese strings are a chunk of their own; nothing in English is shown meanwhile.
    await until(() => text(el).includes('請使用 AlipayHK 應用程式掃描'), 'the zh-HK strings');
    expect(text(el)).not.to.contain('Scan with');
    expect((await s.requests('create'))[0].body.locale).to.equal('zh-HK');
    await expect(el).to.be.accessible();
  });

  it('an unsupported locale attribute falls back instead of breaking', async () => {
    const s = await scenario();
    const { el, events } = await mount({ sessionUrl: s.sessionUrl }, { locale: 'toString' });
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('Scan with the AlipayHK app'), 'the en strings');
  });

  it('follows the closest lang attribute', async () => {
    const s = await scenario();
    const { el, container, events } = await mount({});
    container.setAttribute('lang', 'zh-Hans');
    el.sessionUrl = s.sessionUrl;
    await waitForEvent(events, 'alipayhk-ready');
    await until(() => text(el).includes('请使用 AlipayHK 应用扫描'), 'the zh-CN strings');
    expect((await s.requests('create'))[0].body.locale).to.equal('zh-CN');
  });
});
