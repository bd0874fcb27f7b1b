// What a shopper downloads from the script-tag build, in gzip bytes (scripts/sizes.mjs; npm test
// builds first). Deterministic, so checked here; `npm run bench` prints the same figures beside
// issue 6's budgets (phone 21 KB, desktop 30 KB), which the build does not meet yet. Until it
// does, these ceilings stop it from growing: lower them with every cut, never raise them
// without saying why in the commit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizes } from '../../scripts/sizes.mjs';

const CEILING = { phone: 24_400, desktop: 31_750, iife: 30_900 };

describe('download sizes (gzip -9)', () => {
  for (const [name, ceiling] of Object.entries(CEILING)) {
    it(`${name}: ${sizes[name].gzipBytes} B ≤ ${ceiling} B`, () => {
      assert.ok(sizes[name].files.length > 0, 'measured real files');
      assert.ok(sizes[name].gzipBytes > 10_000, 'the measure includes Lit and ua-parser-js');
      assert.ok(sizes[name].gzipBytes <= ceiling, `${name} is ${sizes[name].gzipBytes} B, over ${ceiling} B`);
    });
  }

  it('a phone never downloads the QR encoder; a desktop does, on demand', () => {
    const encoderChunk = sizes.desktop.files.filter((file) => !sizes.phone.files.includes(file));
    assert.equal(encoderChunk.length, 1);
    assert.match(encoderChunk[0], /^chunks\/qrcode-/);
  });
});
