// What a merchant's tooling reads from the built package (npm test builds first): the custom
// elements manifest for editors and frameworks, and entries that import in Node (SSR, tests).
import assert from 'node:assert/strict';
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
    assert.deepEqual(element.attributes.map((a) => a.name).sort(), ['auto-redirect', 'flow', 'locale', 'poll-interval', 'session-url']);
    assert.deepEqual(element.events.map((e) => e.name).sort(), [
      'alipayhk-cancel', 'alipayhk-error', 'alipayhk-expired', 'alipayhk-failure', 'alipayhk-ready', 'alipayhk-redirect', 'alipayhk-status', 'alipayhk-success',
    ]);
    assert.deepEqual(element.cssParts.map((p) => p.name).sort(), ['amount', 'base', 'button', 'countdown', 'detail', 'link', 'message', 'qr']);
    assert.ok(element.cssProperties.some((p) => p.name === '--alipayhk-brand-color'));
  });

  it('the npm entry and the server entry import in Node without a DOM', async () => {
    const widget = await import(new URL(pkg.exports['.'].import, root));
    assert.equal(typeof widget.parseSession, 'function');
    assert.equal(widget.detectEnvironment('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', {}).terminalType, 'WAP');
    const server = await import(new URL(pkg.exports['./server'].import, root));
    assert.equal(typeof server.createCheckoutHandler, 'function');
  });
});
