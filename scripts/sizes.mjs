// Gzip sizes of what a shopper's browser downloads from the script-tag build: a phone gets the
// entry, the element chunk that the entry imports where there is a DOM (src/bundle.ts) and the
// chunks those import statically; a desktop also fetches the QR encoder chunk. (Where there is
// no DOM the entry loads alipayhk-checkout.node.js instead, a separate build outside chunks/.)
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;

/** Follows static `import … from "./x.js"` edges from `entry`; returns every file reached. */
function staticClosure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    for (const [, spec] of code.matchAll(/(?:^|[;}\s])import\s*(?:[^'"`()]*?from\s*)?["'`](\.\/[^"'`]+)["'`]/g)) {
      visit(join(file, '..', spec).replace(/^\.\//, ''));
    }
  };
  visit(entry);
  return [...seen];
}

const gzip = (files) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length, 0);

const entry = 'alipayhk-checkout.js';
// The entry's branch for a browser: `typeof document > 'u' ? void 0 : await import(<element>)`.
const elementChunk = readFileSync(join(dist, entry), 'utf8').match(/:\s*await\s*\(?\s*import\(\s*["'`]\.\/(chunks\/[^"'`]+)["'`]\s*\)/)?.[1];
if (!elementChunk) throw new Error(`${entry} no longer imports the element where there is a DOM: update scripts/sizes.mjs`);
const phone = [...new Set([...staticClosure(entry), ...staticClosure(elementChunk)])];
const qrChunks = readdirSync(join(dist, 'chunks'))
  .map((f) => `chunks/${f}`)
  .filter((f) => f.endsWith('.js') && !phone.includes(f));
const desktop = [...phone, ...qrChunks];

const KB = 1024;
// Issue 6's budgets; the classic script holds everything, QR encoder included: a desktop's budget.
export const sizes = {
  phone: { files: phone, gzipBytes: gzip(phone), budgetKB: 21, budgetBytes: 21 * KB },
  desktop: { files: desktop, gzipBytes: gzip(desktop), budgetKB: 30, budgetBytes: 30 * KB },
  iife: { files: ['alipayhk-checkout.iife.js'], gzipBytes: gzip(['alipayhk-checkout.iife.js']), budgetKB: 30, budgetBytes: 30 * KB },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| download | files | gzip bytes | budget |');
  console.log('| --- | --- | ---: | ---: |');
  for (const [name, { files, gzipBytes, budgetBytes }] of Object.entries(sizes)) {
    console.log(`| ${name} | ${files.join(', ')} | ${gzipBytes} | ${budgetBytes} |`);
  }
}
