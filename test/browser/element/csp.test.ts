// The widget on a page with a strict Content-Security-Policy and Trusted Types required: it
// must work with zero violations (no inline script or style, no innerHTML, no remote image).
import { expect } from '@open-wc/testing';
import { clearResumeStorage, scenario, until } from '../helpers.js';

describe('SPEC §2 a strict Content-Security-Policy with Trusted Types', () => {
  afterEach(clearResumeStorage);

  it('the script-tag build shows the QR and reports success with zero violations', async function () {
    this.timeout(30_000); // a whole page load inside the test page
    // Pending until the QR is seen: a loaded machine can fetch the QR chunk after a scripted
    // success has already replaced the code.
    const s = await scenario({ status: [{ body: { status: 'pending' } }] });
    const frame = document.createElement('iframe');
    frame.src = `/fake/strict-page/${s.id}`;
    document.body.append(frame);
    try {
      await until(() => !!frame.contentDocument?.querySelector('alipayhk-checkout')?.shadowRoot, 'the element upgraded', 15_000);
      const win = frame.contentWindow as Window & { __violations: string[] };
      const el = frame.contentDocument!.querySelector('alipayhk-checkout')!;
      await until(() => !!el.shadowRoot!.querySelector('svg[part=qr] path'), 'QR drawn', 15_000);
      await s.script({ status: [{ body: { status: 'succeeded' } }] });
      await until(() => (el as HTMLElement & { status: string }).status === 'succeeded', 'success', 15_000);
      expect(frame.contentDocument!.querySelector('meta[http-equiv]'), 'the policy comes from the header').to.equal(null);
      expect(win.__violations).to.deep.equal([]);
      // The policy is really in force: Trusted Types refuse a script's text, and say so.
      const probe = frame.contentDocument!.createElement('script');
      expect(() => (probe.textContent = 'window.__inlineRan = true')).to.throw(/TrustedScript|Sink type mismatch/); // the frame's own TypeError; engines word it differently
      await until(() => win.__violations.length > 0, 'the refused probe was reported');
      expect(win.__violations[0]).to.match(/^require-trusted-types-for/);
    } finally {
      frame.remove();
    }
  });
});
