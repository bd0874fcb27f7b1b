import { expect, waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { navigate, navigationTarget } from '../../../src/lib/navigation.js';

const PROVIDER = '/test/fixtures/popup-provider.html';
/** waitUntil's default is 1 s; these wait for pages to load. */
const SLOW = { timeout: 5000 };

async function frame(attributes: { srcdoc?: string; src?: string }): Promise<HTMLIFrameElement> {
  const el = Object.assign(document.createElement('iframe'), attributes);
  const load = new Promise((resolve) => el.addEventListener('load', resolve, { once: true }));
  document.body.append(el);
  await load;
  return el;
}

describe('SPEC §5 navigationTarget: a redirect inside an iframe navigates the top-level page', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  it('the test page, a top-level page, navigates itself', () => {
    expect(window.top === window, 'web-test-runner runs the test page top-level').to.equal(true);
    expect(navigationTarget(window)).to.equal('self');
  });

  it('a same-origin frame, and a frame in a frame, navigate the top', async () => {
    const outer = await frame({ srcdoc: '<iframe srcdoc="<p>inner</p>"></iframe>' });
    frames.push(outer);
    const inner = outer.contentWindow!.frames[0];
    await waitUntil(() => inner.document.body?.textContent === 'inner', 'the inner frame loaded', SLOW);
    expect(navigationTarget(outer.contentWindow!)).to.equal('top');
    expect(navigationTarget(inner)).to.equal('top');
  });

  it('a cross-origin frame (localhost against 127.0.0.1) navigates the top, as it sees itself', async () => {
    const answer = new Promise<unknown>((resolve) => addEventListener('message', (e) => resolve(e.data), { once: true }));
    const cross = await frame({ src: `http://localhost:${location.port}/test/fixtures/navigation-frame.html` });
    frames.push(cross);
    expect(cross.contentDocument === null, 'the frame is cross-origin').to.equal(true);
    expect(await answer).to.deep.equal({ navigationTarget: 'top' });
    expect(navigationTarget(cross.contentWindow!), 'and as we see it').to.equal('top');
  });

  it('a window whose top cannot be read counts as framed', () => {
    const refusing = {
      get top(): Window {
        throw new DOMException('Blocked a frame', 'SecurityError');
      },
    } as unknown as Window;
    expect(navigationTarget(refusing)).to.equal('top');
  });
});

describe('SPEC §5 navigate', () => {
  afterEach(() => resetMouse());

  it("'self' navigates the given window (a frame here, not the test page)", async () => {
    const el = await frame({ srcdoc: '<p>merchant</p>' });
    try {
      const here = location.href;
      navigate(`${PROVIDER}?self`, 'self', el.contentWindow!);
      await waitUntil(() => el.contentWindow!.location.search === '?self', 'the frame navigated', SLOW);
      expect(el.contentWindow!.location.pathname).to.equal(PROVIDER);
      expect(location.href).to.equal(here);
    } finally {
      el.remove();
    }
  });

  // 'top' from a frame of the test page would navigate the test page away, so the frames live in
  // a popup (opened from a real click: WebKit blocks it otherwise) whose top-level page moves.
  it("'top' from a frame in a frame navigates the top-level page, not the frame", async () => {
    const button = Object.assign(document.createElement('button'), { textContent: 'Open' });
    button.style.cssText = 'position:fixed;left:0;top:0;width:160px;height:40px;z-index:2147483647';
    let popup: Window | null = null;
    button.addEventListener('click', () => (popup = window.open(PROVIDER, '_blank', 'popup=yes,width=480,height=720')));
    document.body.append(button);
    await sendMouse({ type: 'click', position: [80, 20] });
    button.remove();
    expect(popup !== null, 'the popup opened').to.equal(true);
    const win = popup! as Window;
    try {
      await waitUntil(() => win.location.pathname === PROVIDER && win.frames[0]?.frames[0]?.document.body?.textContent === 'inner', 'the frames loaded', SLOW);
      const inner = win.frames[0].frames[0];
      expect(navigationTarget(inner)).to.equal('top');
      const here = location.href;
      navigate(`${PROVIDER}?top`, 'top', inner);
      await waitUntil(() => win.location.search === '?top', 'the top-level page navigated', SLOW);
      expect(win.location.pathname).to.equal(PROVIDER);
      expect(location.href).to.equal(here);
    } finally {
      win.close();
    }
  });
});
