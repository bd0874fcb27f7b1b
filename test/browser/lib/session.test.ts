import { expect } from '@open-wc/testing';
import { FieldError } from '../../../src/lib/errors.js';
import { parseSession } from '../../../src/lib/session.js';

const BASE = 'https://shop.example/checkout/';
const valid = () => ({
  id: 'cs_9c1f',
  amount: { value: 12345, currency: 'HKD' },
  statusUrl: '/api/alipayhk/sessions/cs_9c1f/status',
  qrCode: 'https://qr.alipay.com/bax01234',
  redirectUrl: 'https://render.alipay.hk/p/s/abc',
  expiresAt: '2026-11-24T10:15:00Z',
  flow: 'qr',
  status: 'pending',
  merchantName: 'Shop',
  reference: 'A-1001',
});

function rejects(json: unknown, field: string, pattern?: RegExp): void {
  let error: unknown;
  try {
    parseSession(json, BASE);
  } catch (e) {
    error = e;
  }
  expect(error, `expected a FieldError for ${field}`).to.be.instanceOf(FieldError);
  expect(error).to.be.instanceOf(TypeError);
  expect((error as FieldError).field).to.equal(field);
  expect((error as Error).message).to.contain(field);
  if (pattern) expect((error as Error).message).to.match(pattern);
}

describe('SPEC §3 parseSession: a valid session', () => {
  it('returns a clean copy with absolute URLs', () => {
    const session = parseSession({ ...valid(), extra: '<script>' }, BASE);
    expect(session).to.deep.equal({ ...valid(), statusUrl: 'https://shop.example/api/alipayhk/sessions/cs_9c1f/status' });
    expect(session).not.to.have.property('extra');
  });

  it('needs only id, amount, statusUrl and one of qrCode / redirectUrl', () => {
    expect(parseSession({ id: 'a', amount: { value: 1, currency: 'JPY' }, statusUrl: 'https://x.example/s', qrCode: 'X' }, BASE)).to.deep.equal({
      id: 'a', amount: { value: 1, currency: 'JPY' }, statusUrl: 'https://x.example/s', qrCode: 'X',
    });
    expect(parseSession({ id: 'a', amount: { value: 1, currency: 'HKD' }, statusUrl: '/s', redirectUrl: '/pay' }, BASE).redirectUrl).to.equal(
      'https://shop.example/pay',
    );
  });

  it('accepts http: on loopback hosts (the sandbox)', () => {
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']) {
      const session = parseSession({ ...valid(), statusUrl: `http://${host}/s`, redirectUrl: `http://${host}/w` }, BASE);
      expect(session.redirectUrl).to.equal(`http://${host}/w`);
    }
  });

  it('cancelUrl: absolute, https or loopback http; a javascript: one is refused by name', () => {
    expect(parseSession({ ...valid(), cancelUrl: '/api/alipayhk/sessions/cs_9c1f/cancel' }, BASE).cancelUrl).to.equal(
      'https://shop.example/api/alipayhk/sessions/cs_9c1f/cancel',
    );
    rejects({ ...valid(), cancelUrl: 'javascript:alert(1)' }, 'cancelUrl');
    rejects({ ...valid(), cancelUrl: 'http://evil.example/cancel' }, 'cancelUrl');
  });

  it('treats null optional fields as absent', () => {
    const session = parseSession({ ...valid(), redirectUrl: null, expiresAt: null, flow: null, merchantName: null }, BASE);
    expect(session).not.to.have.property('redirectUrl');
    expect(session).not.to.have.property('expiresAt');
  });
});

describe('SPEC §3 parseSession: every rule names its field', () => {
  it('the session must be an object', () => {
    for (const json of [null, undefined, 'x', 42, [valid()]]) rejects(json, 'session');
  });

  it('id: a string of 1 to 128 characters', () => {
    rejects({ ...valid(), id: undefined }, 'id');
    rejects({ ...valid(), id: '' }, 'id');
    rejects({ ...valid(), id: 'x'.repeat(129) }, 'id');
    rejects({ ...valid(), id: 7 }, 'id');
    expect(parseSession({ ...valid(), id: 'x'.repeat(128) }, BASE).id).to.have.length(128);
  });

  it('amount: an object', () => {
    rejects({ ...valid(), amount: undefined }, 'amount');
    rejects({ ...valid(), amount: 12345 }, 'amount');
  });

  it('amount.value: a positive integer in minor units', () => {
    for (const value of [123.45, '12345', -1, 0, NaN, Infinity, 2 ** 60, null]) {
      rejects({ ...valid(), amount: { value, currency: 'HKD' } }, 'amount.value');
    }
  });

  it('amount.currency: a known ISO 4217 code in upper case', () => {
    for (const currency of ['hkd', 'HK', 'XYZ', 'QQQ', '', 344, undefined]) {
      rejects({ ...valid(), amount: { value: 1, currency } }, 'amount.currency');
    }
  });

  it('statusUrl: required, https: or loopback http:', () => {
    rejects({ ...valid(), statusUrl: undefined }, 'statusUrl');
    rejects({ ...valid(), statusUrl: 'javascript:alert(1)' }, 'statusUrl', /javascript:/);
    rejects({ ...valid(), statusUrl: 'http://shop.example/s' }, 'statusUrl', /https/);
    rejects({ ...valid(), statusUrl: 'ftp://shop.example/s' }, 'statusUrl');
    rejects({ ...valid(), statusUrl: 'https://[bad' }, 'statusUrl');
  });

  it('redirectUrl: https: or loopback http:, never javascript: or data:', () => {
    rejects({ ...valid(), redirectUrl: 'javascript:alert(document.cookie)' }, 'redirectUrl', /javascript:/);
    rejects({ ...valid(), redirectUrl: ' JavaScript:alert(1)' }, 'redirectUrl');
    rejects({ ...valid(), redirectUrl: 'data:text/html,<script>alert(1)</script>' }, 'redirectUrl', /data:/);
    rejects({ ...valid(), redirectUrl: 'http://evil.example/' }, 'redirectUrl');
    rejects({ ...valid(), redirectUrl: 'alipayhk://pay' }, 'redirectUrl');
    rejects({ ...valid(), redirectUrl: 42 }, 'redirectUrl');
  });

  it('relative URLs resolve against the page and must then be safe', () => {
    expect(() => parseSession({ ...valid(), statusUrl: 'https://shop.example/s', redirectUrl: '/pay' }, 'http://shop.example/')).to.throw(FieldError, /redirectUrl.*http:/);
    expect(parseSession({ ...valid(), redirectUrl: 'pay' }, BASE).redirectUrl).to.equal('https://shop.example/checkout/pay');
  });

  it('qrCode: a string of 1 to 1663 characters (what a QR holds at error correction Q), never a javascript: or data: URL', () => {
    rejects({ ...valid(), qrCode: '' }, 'qrCode');
    rejects({ ...valid(), qrCode: 'x'.repeat(1664) }, 'qrCode');
    expect(parseSession({ ...valid(), qrCode: 'x'.repeat(1663) }, BASE).qrCode).to.have.length(1663);
    rejects({ ...valid(), qrCode: {} }, 'qrCode');
    rejects({ ...valid(), qrCode: 'javascript:alert(1)' }, 'qrCode');
    rejects({ ...valid(), qrCode: 'DATA:text/html,x' }, 'qrCode');
  });

  it('at least one of qrCode / redirectUrl', () => {
    rejects({ ...valid(), qrCode: undefined, redirectUrl: undefined }, 'qrCode', /redirectUrl/);
  });

  it('expiresAt: ISO 8601 with a time zone', () => {
    for (const expiresAt of ['tomorrow', '2026-11-24', '2026-11-24T10:15:00', '2026-13-40T10:15:00Z', 1764000000]) {
      rejects({ ...valid(), expiresAt }, 'expiresAt');
    }
    expect(parseSession({ ...valid(), expiresAt: '2026-11-24T18:15:00.123+08:00' }, BASE).expiresAt).to.equal('2026-11-24T18:15:00.123+08:00');
  });

  it('flow: qr or redirect', () => {
    rejects({ ...valid(), flow: 'app' }, 'flow');
  });

  it('status: one of the payment statuses', () => {
    rejects({ ...valid(), status: 'PAID' }, 'status');
  });

  it('merchantName and reference: short strings', () => {
    rejects({ ...valid(), merchantName: 'x'.repeat(257) }, 'merchantName');
    rejects({ ...valid(), reference: 5 }, 'reference');
  });

  it("push: 'sse' turns push on; another string is a newer offer, ignored; anything else is refused", () => {
    expect(parseSession({ ...valid(), push: 'sse' }, BASE).push).to.equal('sse');
    expect(parseSession({ ...valid(), push: 'webtransport' }, BASE)).not.to.have.property('push');
    expect(parseSession(valid(), BASE)).not.to.have.property('push');
    rejects({ ...valid(), push: true }, 'push');
    rejects({ ...valid(), push: 'x'.repeat(300) }, 'push');
  });
});
