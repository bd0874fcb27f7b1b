// The built files (npm test builds first): what a script tag and a bundler get.
import { expect } from '@open-wc/testing';
import { detectEnvironment, type EnvironmentHints } from '../../src/lib/environment.js';
import { UA } from './user-agents.js';

function loadClassicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`failed to load ${src}`));
    document.head.append(script);
  });
}

describe('SPEC §1 the script-tag builds', () => {
  it('dist/alipayhk-checkout.js defines the element and exports the public API', async () => {
    const bundle = await import(/* @vite-ignore */ new URL('/dist/alipayhk-checkout.js', location.href).href);
    expect(customElements.get('alipayhk-checkout')).to.equal(bundle.AlipayHKCheckout);
    expect(bundle.detectEnvironment).to.be.a('function');
    expect(bundle.parseSession).to.be.a('function');
    expect(() => bundle.parseSession({})).to.throw(TypeError, /id/);
  });

  it('a second copy on the page (the IIFE and the npm build) skips the define instead of throwing', async () => {
    await loadClassicScript('/dist/alipayhk-checkout.iife.js');
    const global = (window as unknown as { AlipayHKCheckout: Record<string, unknown> }).AlipayHKCheckout;
    expect(global.AlipayHKCheckout).to.be.a('function');
    expect(global.detectEnvironment).to.be.a('function');
    expect(customElements.get('alipayhk-checkout')).not.to.equal(global.AlipayHKCheckout);
    const definedFirst = customElements.get('alipayhk-checkout');
    // The npm build (its bare `lit` import resolved by the test server, as a bundler would).
    const npmBuild = await import(/* @vite-ignore */ new URL('/dist/npm/index.js', location.href).href);
    expect(npmBuild.AlipayHKCheckout).to.be.a('function');
    expect(npmBuild.AlipayHKCheckout).not.to.equal(definedFirst);
    expect(customElements.get('alipayhk-checkout')).to.equal(definedFirst);
  });

  it('detect every device as the source does, with the slimmed ua-parser-js they ship', async () => {
    const bundle = await import(/* @vite-ignore */ new URL('/dist/alipayhk-checkout.js', location.href).href);
    await loadClassicScript('/dist/alipayhk-checkout.iife.js');
    const iife = (window as unknown as { AlipayHKCheckout: { detectEnvironment: typeof detectEnvironment } }).AlipayHKCheckout;
    const hintsToTry: EnvironmentHints[] = [{}, { maxTouchPoints: 5 }, { userAgentData: { mobile: true, platform: 'Android' } }];
    let compared = 0;
    for (const ua of Object.values(UA)) {
      for (const hints of hintsToTry) {
        const expected = detectEnvironment(ua, hints);
        expect(bundle.detectEnvironment(ua, hints), `module build: ${ua}`).to.deep.equal(expected);
        expect(iife.detectEnvironment(ua, hints), `classic script: ${ua}`).to.deep.equal(expected);
        compared++;
      }
    }
    expect(compared).to.equal(Object.keys(UA).length * hintsToTry.length);
    // This page's own browser too, read from navigator.
    expect(bundle.detectEnvironment()).to.deep.equal(detectEnvironment());
  });
});
