// createSession (SPEC §3) against the fake merchant backend over real HTTP: retries under the
// same key, the failures it reports, and an abort.
import { expect } from '@open-wc/testing';
import { createSession } from '../../../src/lib/create-session.js';
import { scenario } from '../helpers.js';
import type { Environment } from '../../../src/lib/environment.js';

const environment: Environment = { deviceType: 'desktop', terminalType: 'WEB', osType: null, flow: 'qr', inApp: false, inWallet: false };
const request = { environment, locale: 'en' as const };

describe('SPEC §3 createSession', () => {
  it('asks again under the same Idempotency-Key after a 503 and a cut-off body, then takes the session', async () => {
    const s = await scenario({ create: [{ status: 503 }, { status: 201, raw: '{"id":' }, { status: 201 }] });
    const outcome = await createSession(new URL(s.sessionUrl, location.href).href, request, 'key-1', new AbortController().signal, 5);
    expect(outcome?.created).to.equal(true);
    expect((outcome as { body: { id: string } }).body.id).to.equal(`cs_${s.id}`);
    const keys = (await s.requests('create')).map((r) => r.headers['idempotency-key']);
    expect(keys).to.deep.equal(['key-1', 'key-1', 'key-1']);
  });

  it('gives up after two retries (not fatal), and at once on a 4xx (fatal, with the server message)', async () => {
    const busy = await scenario({ create: [{ status: 503 }] });
    expect(await createSession(busy.sessionUrl, request, 'key-2', new AbortController().signal, 5)).to.deep.equal({
      created: false, message: 'Creating the session failed (HTTP 503)', fatal: false,
    });
    expect(await busy.requests('create')).to.have.length(3);
    const refused = await scenario({ create: [{ status: 400, body: { code: 'bad_request', message: 'context.orderId is required' } }] });
    expect(await createSession(refused.sessionUrl, request, 'key-3', new AbortController().signal, 5)).to.deep.equal({
      created: false, message: 'Creating the session failed (HTTP 400): context.orderId is required', fatal: true,
    });
    expect(await refused.requests('create')).to.have.length(1);
  });

  it('resolves to undefined once aborted, without asking again', async () => {
    const s = await scenario({ create: [{ status: 503 }] });
    const abort = new AbortController();
    const pending = createSession(s.sessionUrl, request, 'key-4', abort.signal, 60_000);
    await new Promise<void>((resolve) => {
      const check = async () => ((await s.requests('create')).length > 0 ? resolve() : setTimeout(check, 10));
      void check();
    });
    abort.abort();
    expect(await pending).to.equal(undefined);
    expect(await s.requests('create')).to.have.length(1);
  });
});
