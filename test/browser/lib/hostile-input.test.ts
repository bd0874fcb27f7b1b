// Property-based tests (fast-check): whatever a compromised or buggy backend sends, and whatever
// user agent a browser claims, the pure modules answer with their documented result or error.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { detectEnvironment } from '../../../src/lib/environment.js';
import { FieldError } from '../../../src/lib/errors.js';
import { parseSession } from '../../../src/lib/session.js';
import { interpretStatusResponse } from '../../../src/lib/status.js';
import { isSafeUrl } from '../../../src/lib/url.js';

const BASE = 'https://shop.example/checkout/';
const RUNS = { numRuns: 500 };

/** URL-ish strings: schemes that must pass and schemes that must not, hosts, odd characters. */
const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.constantFrom('javascript:', 'JAVASCRIPT:', ' javascript:', 'data:', 'vbscript:', 'blob:', 'file:', 'http:', 'ftp:', '//', '', 'alipays:'), fc.string()).map(([a, b]) => a + b),
  fc.tuple(fc.constantFrom('http://localhost', 'http://127.0.0.1:8080', 'http://[::1]', 'http://evil.example', 'https://ok.example'), fc.string()).map(([a, b]) => a + b),
  fc.string(),
);

/** Objects shaped like sessions, with every field sometimes wrong. */
const sessionish = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.constant(null)),
    amount: fc.oneof(
      fc.record({ value: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), currency: fc.oneof(fc.constantFrom('HKD', 'JPY', 'XYZ', 'hkd', ''), fc.string()) }),
      fc.anything(),
    ),
    statusUrl: fc.oneof(urlish, fc.anything()),
    qrCode: fc.oneof(urlish, fc.anything()),
    redirectUrl: fc.oneof(urlish, fc.anything()),
    expiresAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.anything()),
    flow: fc.oneof(fc.constantFrom('qr', 'redirect'), fc.anything()),
    status: fc.oneof(fc.constantFrom('pending', 'succeeded', 'failed', 'expired', 'cancelled'), fc.anything()),
    merchantName: fc.oneof(fc.string(), fc.anything()),
    reference: fc.oneof(fc.string(), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('hostile input: parseSession', () => {
  it('returns a session or throws a FieldError naming a field, for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(sessionish, fc.anything()), (json) => {
        try {
          parseSession(json, BASE);
        } catch (error) {
          expect(error).to.be.instanceOf(FieldError);
          expect((error as FieldError).field).to.be.a('string').and.not.equal('');
        }
      }),
      RUNS,
    );
  });

  it('never lets through a URL the widget could navigate to that is not https: or loopback http:', () => {
    fc.assert(
      fc.property(sessionish, (json) => {
        let session;
        try {
          session = parseSession(json, BASE);
        } catch {
          return;
        }
        expect(isSafeUrl(new URL(session.statusUrl)), session.statusUrl).to.equal(true);
        if (session.redirectUrl) expect(isSafeUrl(new URL(session.redirectUrl)), session.redirectUrl).to.equal(true);
        if (session.qrCode) expect(session.qrCode).not.to.match(/^\s*(javascript|data|vbscript|blob|file):/i);
        expect(Number.isSafeInteger(session.amount.value) && session.amount.value > 0).to.equal(true);
      }),
      RUNS,
    );
  });
});

describe('hostile input: status responses', () => {
  it('any status code and body gives a result, a transient or a fatal outcome, and only known statuses are results', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.oneof(fc.anything(), fc.record({ status: fc.oneof(fc.string(), fc.anything()), failureCode: fc.anything(), failureMessage: fc.anything() })), (http, body) => {
        const outcome = interpretStatusResponse(http, body);
        expect(['result', 'transient', 'fatal']).to.include(outcome.kind);
        if (outcome.kind === 'result') {
          expect(http).to.equal(200);
          expect(['pending', 'succeeded', 'failed', 'expired', 'cancelled']).to.include(outcome.result.status);
          for (const field of ['failureCode', 'failureMessage'] as const) {
            const value = outcome.result[field];
            if (value !== undefined) expect(value).to.be.a('string').with.length.at.most(200);
          }
        }
      }),
      RUNS,
    );
  });
});

describe('hostile input: detectEnvironment', () => {
  it('any user agent and hints give a consistent environment', () => {
    const hints = fc.record(
      { maxTouchPoints: fc.oneof(fc.integer(), fc.double(), fc.anything()), userAgentData: fc.oneof(fc.record({ mobile: fc.anything(), platform: fc.anything() }), fc.constant(null)) },
      { requiredKeys: [] },
    );
    const ua = fc.oneof(fc.string({ maxLength: 400 }), fc.constantFrom('AlipayClientHK', '; wv)', 'iPhone', 'Macintosh', 'Android').chain((token) => fc.string().map((s) => `${s}${token}${s}`)));
    fc.assert(
      fc.property(ua, hints, (userAgent, h) => {
        const env = detectEnvironment(userAgent, h as never);
        expect(['desktop', 'mobile', 'tablet']).to.include(env.deviceType);
        expect(env.terminalType).to.equal(env.deviceType === 'desktop' ? 'WEB' : env.inApp ? 'APP' : 'WAP');
        expect(env.flow).to.equal(env.deviceType === 'desktop' ? 'qr' : 'redirect');
        expect([null, 'IOS', 'ANDROID']).to.include(env.osType);
        if (env.inWallet) expect(env.inApp).to.equal(true);
      }),
      RUNS,
    );
  });

  it('anything but a string as the user agent is a TypeError', () => {
    fc.assert(
      fc.property(fc.anything().filter((v) => typeof v !== 'string' && v !== undefined), (value) => {
        expect(() => detectEnvironment(value as string, {})).to.throw(TypeError);
      }),
      { numRuns: 100 },
    );
  });
});
