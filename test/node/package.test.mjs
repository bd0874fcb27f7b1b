// What a merchant's tooling reads from the built package (npm test builds first): the custom
// elements manifest for editors and frameworks, and entries that import in Node (SSR, tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

describe('the package', () => {
  it('custom-elements.json describes <alipayhk-checkout>: attributes, events, parts, custom properties', () => {
    assert.equal(pkg.customElements, 'custom-elements.json');
    const manifest = JSON.parse(readFileSync(new URL(pkg.customElements, root), 'utf8'));
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'alipayhk-checkout');
    assert.ok(element, 'the tag is in the manifest');
    assert.deepEqual(element.attributes.map((a) => a.name).sort(), ['auto-redirect', 'flow', 'locale', 'poll-interval', 'session-url', 'theme']);
    assert.deepEqual(element.events.map((e) => e.name).sort(), [
      'alipayhk-cancel', 'alipayhk-error', 'alipayhk-expired', 'alipayhk-failure', 'alipayhk-ready', 'alipayhk-redirect', 'alipayhk-status', 'alipayhk-success',
    ]);
    assert.deepEqual(element.cssParts.map((p) => p.name).sort(), [
      'amount', 'base', 'brand', 'button', 'countdown', 'detail', 'mark', 'merchant', 'message', 'qr', 'reference', 'spinner',
    ]);
    assert.deepEqual(element.slots.map((s) => s.name), ['brand']);
    assert.ok(element.cssProperties.some((p) => p.name === '--alipayhk-brand-color'));
  });

  it('every entry in exports imports in Node without a DOM (server-side rendering, tests)', async () => {
    const entries = Object.entries(pkg.exports).filter(([name]) => !name.endsWith('.json'));
    assert.deepEqual(entries.map(([name]) => name).sort(), ['.', './bundle', './iife', './react', './server']);
    const entry = (name) => {
      const target = pkg.exports[name];
      return import(new URL(typeof target === 'string' ? target : target.import, root));
    };
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

    const widget = await entry('.');
    assert.equal(typeof widget.parseSession, 'function');
    assert.equal(widget.detectEnvironment(iphone, {}).terminalType, 'WAP');
    assert.equal(typeof widget.AlipayHKCheckout, 'function');

    // The script-tag build gives the DOM-free API here; the element needs a DOM.
    const bundle = await entry('./bundle');
    assert.equal(bundle.detectEnvironment(iphone, {}).osType, 'IOS');
    assert.throws(() => bundle.parseSession({}), (error) => error instanceof TypeError && /\bid\b/.test(error.message));
    assert.equal(bundle.AlipayHKCheckout, undefined);
    assert.equal(bundle.TAG_NAME, 'alipayhk-checkout');

    // A classic script: nothing runs without a DOM, and nothing throws.
    assert.deepEqual(Object.keys(await entry('./iife')), []);

    const react = await entry('./react');
    assert.equal(react.AlipayHKCheckout.displayName, 'AlipayHKCheckout');
    const { renderToString } = await import('react-dom/server');
    const { createElement } = await import('react');
    const markup = renderToString(createElement(react.AlipayHKCheckout, { sessionUrl: '/api/alipayhk/sessions', onAlipayhkSuccess() {} }));
    assert.match(markup, /^<alipayhk-checkout[\s>]/);

    const server = await entry('./server');
    assert.equal(typeof server.createCheckoutHandler, 'function');
  });

  it("a plain npm install runs puppeteer's install script without a browser download (issue 15)", () => {
    // What `npm install` / `npm ci` run for the dependency, from the project's root, with nothing
    // set in the environment: .puppeteerrc.cjs says not to download (offline, it would fail).
    const { PUPPETEER_SKIP_DOWNLOAD, ...env } = process.env;
    const result = spawnSync(process.execPath, [new URL('node_modules/puppeteer/install.mjs', root).pathname], { cwd: new URL('.', root).pathname, env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /Skipping downloading browsers/);
  });
});
