// What a shopper downloads from the script-tag build, in gzip bytes, against issue 6's budgets
// (both from scripts/sizes.mjs; npm test builds first). Deterministic, so checked here; `npm run
// bench` prints the same figures beside them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizes } from '../../scripts/sizes.mjs';

describe('download sizes (gzip -9)', () => {
  it("the budgets are issue 6's: phone 21 KB, desktop and classic script 30 KB", () => {
    const budgets = Object.fromEntries(Object.entries(sizes).map(([name, { budgetBytes }]) => [name, budgetBytes]));
    assert.deepEqual(budgets, { phone: 21 * 1024, desktop: 30 * 1024, iife: 30 * 1024 });
  });

  for (const [name, { files, gzipBytes, budgetBytes }] of Object.entries(sizes)) {
    it(`${name}: ${gzipBytes} B ≤ ${budgetBytes} B`, () => {
      assert.ok(files.length > 0, 'measured real files');
      assert.ok(gzipBytes > 10_000, 'the measure includes Lit and ua-parser-js');
      assert.ok(gzipBytes <= budgetBytes, `${name} is ${gzipBytes} B, over ${budgetBytes} B`);
    });
  }

  it('a phone never downloads the QR encoder; a desktop does, on demand', () => {
    const encoderChunk = sizes.desktop.files.filter((file) => !sizes.phone.files.includes(file));
    assert.equal(encoderChunk.length, 1);
    assert.match(encoderChunk[0], /^chunks\/qr-encoder-/);
  });
});
