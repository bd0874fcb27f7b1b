// ua-parser-js 1.x as the script-tag builds ship it. The package is one UMD closure, so a bundler
// can neither drop what is never read nor skip what it does as it loads:
// - it holds the regular expressions for five questions (browser, CPU, device, engine, OS), and
//   detectEnvironment (src/lib/environment.ts) asks only two: the browser, CPU and engine tables
//   are about 2 KB of the ~21 KB gzip a phone downloads;
// - as it loads it sets `$.ua` on any jQuery or Zepto it finds on the page: a widget must not
//   touch a merchant's globals;
// - being CommonJS, it makes the bundler add its CommonJS helpers to the element's chunk.
// So those builds empty the three tables and load the parser as an ES module with a default
// export and nothing else. getOS() and getDevice() read only their own tables:
// test/node/ua-parser-slim.test.mjs holds the slim parser to the full one, and
// test/browser/bundle.test.ts the built element's detection to the source's.

/** The tables in the order ua-parser-js 1.x declares them. */
const TABLES = ['browser', 'cpu', 'device', 'engine', 'os'];
const UNUSED_TABLES = ['browser', 'cpu', 'engine'];

const CLOSURE_START = '(function (window, undefined) {';
const EXPORTS_START = '    // check js environment';
const CLOSURE_END = "})(typeof window === 'object' ? window : this);";

function layoutChanged(what) {
  return new Error(`ua-parser-js: ${what}; its layout changed, see scripts/ua-parser-slim.mjs`);
}

function indexOfOnce(source, marker) {
  const at = source.indexOf(marker);
  if (at < 0 || source.indexOf(marker, at + 1) >= 0) throw layoutChanged(`expected "${marker.trim()}" once`);
  return at;
}

/** ua-parser-js's source with the browser, CPU and engine tables emptied. */
export function stripUnusedTables(source) {
  const starts = TABLES.map((name) => indexOfOnce(source, `\n        ${name} : [[`));
  if (starts.some((at, i) => i > 0 && at < starts[i - 1])) throw layoutChanged(`tables not in the order ${TABLES.join(', ')}`);
  let stripped = source.slice(0, starts[0]);
  TABLES.forEach((name, i) => {
    const end = i + 1 < TABLES.length ? starts[i + 1] : source.length;
    // Every table but the last runs up to the next one, its closing `],` included.
    stripped += UNUSED_TABLES.includes(name) ? `\n        ${name} : [],` : source.slice(starts[i], end);
  });
  return stripped;
}

/**
 * ua-parser-js's source as an ES module whose default export is `UAParser`: the closure returns
 * it instead of publishing it (module.exports, AMD, `window.UAParser`, jQuery's `$.ua`).
 */
export function toEsModule(source) {
  const start = indexOfOnce(source, CLOSURE_START);
  const exportsStart = indexOfOnce(source, EXPORTS_START);
  const end = indexOfOnce(source, CLOSURE_END);
  if (!(start < exportsStart && exportsStart < end)) throw layoutChanged('the closure and its exports moved');
  return `${source.slice(0, start)}export default ${source.slice(start, exportsStart)}    return UAParser;\n})(typeof window === 'object' ? window : undefined);\n`;
}

export function slimUaParser(source) {
  return toEsModule(stripUnusedTables(source));
}

const UA_PARSER_SOURCE = /[\\/]node_modules[\\/]ua-parser-js[\\/]src[\\/]ua-parser\.js$/;

/** Vite plugin applying slimUaParser; the build fails if it never met ua-parser-js. */
export function uaParserSlim() {
  let applied = false;
  return {
    name: 'ua-parser-slim',
    transform(code, id) {
      if (!UA_PARSER_SOURCE.test(id.split('?')[0])) return null;
      applied = true;
      return { code: slimUaParser(code), map: null };
    },
    buildEnd(error) {
      if (!error && !applied) this.error('ua-parser-js/src/ua-parser.js was never bundled: is it still the file the build resolves?');
    },
  };
}
