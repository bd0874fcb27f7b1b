// What a shopper downloads from the script-tag build, in gzip bytes (scripts/sizes.mjs; npm test
// builds first). Deterministic, so the budgets of issue 6 are checked here; `npm run bench`
// prints the same figures beside them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizes } from '../../scripts/sizes.mjs';

const KB = 1024;
// The classic script holds everything, QR encoder included: a desktop's budget.
const BUDGET = { phone: 21 * KB, desktop: 30 * KB, iife: 30 * KB };

describe('download sizes (gzip -9)', () => {
  for (const [name, budget] of Object.entries(BUDGET)) {
    it(`${name}: ${sizes[name].gzipBytes} B ≤ ${budget} B`, () => {
      assert.ok(sizes[name].files.length > 0, 'measured real files');
      assert.ok(sizes[name].gzipBytes > 10_000, 'the measure includes Lit and ua-parser-js');
      assert.ok(sizes[name].gzipBytes <= budget, `${name} is ${sizes[name].gzipBytes} B, over ${budget} B`);
    });
  }

  it('a phone never downloads the QR encoder; a desktop does, on demand', () => {
    const encoderChunk = sizes.desktop.files.filter((file) => !sizes.phone.files.includes(file));
    assert.equal(encoderChunk.length, 1);
    assert.match(encoderChunk[0], /^chunks\/qr-encoder-/);
  });
});
