// The widget under the shopper's display settings (issue 13, item 1), emulated through the
// DevTools protocol, so Chromium only; the light default is tested in every engine
// (shopper-view.test.ts).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { clearResumeStorage, mount, scenario, shadow, until } from '../helpers.js';

const media = (features: Record<string, string>) => executeServerCommand('emulate-media-features', features);
const style = (el: HTMLElement, selector: string) => getComputedStyle(shadow(el).querySelector(selector)!);

describe('issue 13: dark mode, forced colours and reduced motion', () => {
  afterEach(async () => {
    await media({});
    clearResumeStorage();
  });

  it('theme="auto" follows a dark system; without the attribute the widget stays light', async () => {
    await media({ 'prefers-color-scheme': 'dark' });
    const s = await scenario();
    const { el: auto } = await mount({ sessionUrl: s.sessionUrl }, { theme: 'auto' });
    const { el: plain } = await mount({ sessionUrl: s.sessionUrl });
    await until(() => !!shadow(auto).querySelector('svg[part="qr"]'), 'the QR');
    expect(style(auto, '.base').backgroundColor).to.equal('rgb(30, 30, 30)');
    expect(style(plain, '.base').backgroundColor).to.equal('rgb(255, 255, 255)');
    // The code itself stays dark on light, or it cannot be scanned.
    expect(style(auto, 'svg[part="qr"]').backgroundColor).to.equal('rgb(255, 255, 255)');
  });

  it('forced colours keep the QR black on white', async () => {
    await media({ 'forced-colors': 'active' });
    const s = await scenario();
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    el.style.setProperty('--alipayhk-qr-color', 'rgb(0, 0, 255)');
    await until(() => !!shadow(el).querySelector('svg[part="qr"] path'), 'the QR');
    expect(style(el, 'svg[part="qr"]').backgroundColor).to.equal('rgb(255, 255, 255)');
    expect(style(el, 'svg[part="qr"] path').fill).to.equal('rgb(0, 0, 0)');
  });

  it('reduced motion stops the spinner, which stays on screen', async () => {
    await media({ 'prefers-reduced-motion': 'reduce' });
    const s = await scenario({ create: [{ status: 201, hang: true }] });
    const { el } = await mount({ sessionUrl: s.sessionUrl });
    expect(style(el, '[part="spinner"]').animationName).to.equal('none');
    await media({});
    expect(style(el, '[part="spinner"]').animationName).to.equal('spin');
  });
});
