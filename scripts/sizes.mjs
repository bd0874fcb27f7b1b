// Gzip sizes of what a shopper's browser downloads from the script-tag build. Every shopper gets
// the entry, the element chunk that the entry imports where there is a DOM (src/bundle.ts), the
// chunks those import statically, and the strings of one locale (a chunk each, src/locales).
// A desktop also fetches the QR chunk (the QR and its encoder) and the popup's, both alongside
// the create request: it shows one or the other, and a quick click must find it. The reasons for a failure are a
// chunk loaded only after one, reported apart; so is tab sharing, loaded only when a second tab
// shows the same session. (Where there is no DOM the entry loads
// alipayhk-checkout.node.js instead, a separate build outside chunks/.)
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

/** Each file's gzip size, compressed once however many downloads it is part of. */
const gzipBytesOf = new Map();
const gzipBytes = (file) => {
  if (!gzipBytesOf.has(file)) gzipBytesOf.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzipBytesOf.get(file);
};
const gzip = (files) => files.reduce((sum, file) => sum + gzipBytes(file), 0);
const union = (...lists) => [...new Set(lists.flat())];

const entry = 'alipayhk-checkout.js';
// The entry's branch for a browser: `typeof document > 'u' ? void 0 : await import(<element>)`.
const elementChunk = readFileSync(join(dist, entry), 'utf8').match(/:\s*await\s*\(?\s*import\(\s*["'`]\.\/(chunks\/[^"'`]+)["'`]\s*\)/)?.[1];
if (!elementChunk) throw new Error(`${entry} no longer imports the element where there is a DOM: update scripts/sizes.mjs`);

const chunkFiles = readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.js'));
/** The chunk built from the module `name` (rolldown names chunks `[name]-[hash].js`). */
function chunk(name) {
  const found = chunkFiles.filter((f) => f.startsWith(`${name}-`) && /^[\w-]{8}\.js$/.test(f.slice(name.length + 1)));
  if (found.length !== 1) throw new Error(`expected one chunk for ${name}, found ${found.length}: update scripts/sizes.mjs`);
  return `chunks/${found[0]}`;
}

const base = union(staticClosure(entry), staticClosure(elementChunk));
const LOCALES = ['en', 'zh-HK', 'zh-CN'];
const qr = staticClosure(chunk('qr-controller')).filter((f) => !base.includes(f));
const popup = staticClosure(chunk('popup-controller')).filter((f) => !base.includes(f));

const measure = (files) => ({ files, gzipBytes: gzip(files) });
/** Per locale: what a phone and a desktop download. */
export const byLocale = Object.fromEntries(
  LOCALES.map((locale) => {
    const phone = union(base, staticClosure(chunk(locale)));
    return [locale, { phone: measure(phone), desktop: measure(union(phone, qr, popup)) }];
  }),
);
const worst = (kind) => Object.values(byLocale).map((l) => l[kind]).reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));

/** Downloaded only after a failure, on top of the rest (what its chunk needs beyond the base). */
export const afterFailure = measure(staticClosure(chunk('failure-reasons')).filter((f) => !base.includes(f)));

const KB = 1024;
// Issue 6's budgets (kept by issue 13) for the phone and the desktop, in the locale that costs
// most. A classic script cannot load anything on demand, so it also carries what the module
// build's desktop fetches only when needed: the two other locales' strings, the failure reasons,
// tab sharing and the popup (about 3 KB gzip as chunks of their own). Its budget is the
// desktop's plus 2 KB for them.
export const sizes = {
  phone: { ...worst('phone'), budgetKB: 21, budgetBytes: 21 * KB },
  desktop: { ...worst('desktop'), budgetKB: 30, budgetBytes: 30 * KB },
  iife: { ...measure(['alipayhk-checkout.iife.js']), budgetKB: 32, budgetBytes: 32 * KB },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| download | locale | gzip bytes | budget |');
  console.log('| --- | --- | ---: | ---: |');
  for (const [locale, kinds] of Object.entries(byLocale)) {
    console.log(`| phone | ${locale} | ${kinds.phone.gzipBytes} | ${sizes.phone.budgetBytes} |`);
    console.log(`| desktop | ${locale} | ${kinds.desktop.gzipBytes} | ${sizes.desktop.budgetBytes} |`);
  }
  console.log(`| classic script (iife) | all | ${sizes.iife.gzipBytes} | ${sizes.iife.budgetBytes} |`);
  console.log(`| after a failure, in addition | all | ${afterFailure.gzipBytes} | – |`);
  console.log(`\nfiles of the costliest phone: ${sizes.phone.files.join(', ')}`);
}
