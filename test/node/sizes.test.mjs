// What a shopper downloads from the script-tag build, in gzip bytes, against issue 6's budgets
// (both from scripts/sizes.mjs; npm test builds first). Deterministic, so checked here; `npm run
// bench` prints the same figures beside them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailure, byLocale, sizes } from '../../scripts/sizes.mjs';

describe('download sizes (gzip -9)', () => {
  it("the budgets: issue 6's phone 21 KB and desktop 30 KB; the classic script, which cannot load on demand, the desktop's plus 2 KB", () => {
    const budgets = Object.fromEntries(Object.entries(sizes).map(([name, { budgetBytes }]) => [name, budgetBytes]));
    assert.deepEqual(budgets, { phone: 21 * 1024, desktop: 30 * 1024, iife: 32 * 1024 });
  });

  for (const [name, { files, gzipBytes, budgetBytes }] of Object.entries(sizes)) {
    it(`${name}: ${gzipBytes} B ≤ ${budgetBytes} B`, () => {
      assert.ok(files.length > 0, 'measured real files');
      assert.ok(gzipBytes > 10_000, 'the measure includes Lit and ua-parser-js');
      assert.ok(gzipBytes <= budgetBytes, `${name} is ${gzipBytes} B, over ${budgetBytes} B`);
    });
  }

  it('a phone never downloads the QR encoder or the popup; a desktop does, on demand', () => {
    const desktopOnly = sizes.desktop.files.filter((file) => !sizes.phone.files.includes(file));
    assert.deepEqual(desktopOnly.map((file) => file.replace(/-[\w-]{8}\.js$/, '')).sort(), ['chunks/popup-controller', 'chunks/qr-controller']);
  });

  it('a shopper downloads the strings of one locale, and the failure reasons only after a failure', () => {
    for (const [locale, { phone }] of Object.entries(byLocale)) {
      const localeChunks = phone.files.filter((file) => /^chunks\/(en|zh-HK|zh-CN)-/.test(file));
      assert.deepEqual(localeChunks.map((file) => file.replace(/-[\w-]{8}\.js$/, '')), [`chunks/${locale}`]);
      assert.ok(!phone.files.some((file) => /failure-reasons|popup-controller|tab-sharing|qr-controller/.test(file)), `${locale}: ${phone.files}`);
      assert.ok(phone.gzipBytes <= sizes.phone.budgetBytes, `${locale} phone: ${phone.gzipBytes} B`);
    }
    // The reasons' chunk alone: nothing else comes with it.
    assert.deepEqual(afterFailure.files.map((file) => file.replace(/-[\w-]{8}\.js$/, '')), ['chunks/failure-reasons']);
  });
});
