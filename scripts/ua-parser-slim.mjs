// ua-parser-js 1.x as the script-tag builds ship it. The package is one UMD closure, so a bundler
// can neither drop what is never read nor skip what it does as it loads:
// - it holds the regular expressions for five questions (browser, CPU, device, engine, OS), and
//   detectEnvironment (src/lib/environment.ts) asks only two: the browser, CPU and engine tables
//   are about 2 KB of the ~21 KB gzip a phone downloads;
// - as it loads it sets `$.ua` on any jQuery or Zepto it finds on the page: a widget must not
//   touch a merchant's globals;
// - being CommonJS, it makes the bundler add its CommonJS helpers to the element's chunk.
// - detectEnvironment reads one thing of the OS: whether it is iOS, Mac OS (an iPad asking for
//   the desktop site) or Android, and every other name means "neither". The OS table answers
//   with its first match, and no entry after the Android one names any of the three: without
//   them, an OS that only those entries knew (Linux, Chromium OS, the BSDs…) has no name, which
//   reads the same, and the ~0.5 KB gzip they take is saved.
// - a bundler keeps every method set on the parser, called or not: getBrowser(), getCPU(),
//   getEngine(), getResult() and getUA() stay, and with them the enums (UAParser.BROWSER…), the
//   merging of `extensions` and the browser table's Safari version map.
// So those builds remove the three tables, cut the OS table after Android, remove what only the
// other questions use and load the parser as an ES module with a default export and nothing
// else. The slim parser is `new UAParser(ua)` with getOS() and getDevice(), and throws a
// TypeError when called otherwise (without `new`, with extensions): the one caller,
// detectEnvironment, never does. getOS() and getDevice() read only their own tables:
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

/** ua-parser-js's source without the browser, CPU and engine tables (getBrowser() and co. then fail). */
export function stripUnusedTables(source) {
  const starts = TABLES.map((name) => indexOfOnce(source, `\n        ${name} : [[`));
  if (starts.some((at, i) => i > 0 && at < starts[i - 1])) throw layoutChanged(`tables not in the order ${TABLES.join(', ')}`);
  let stripped = source.slice(0, starts[0]);
  TABLES.forEach((name, i) => {
    const end = i + 1 < TABLES.length ? starts[i + 1] : source.length;
    // Every table but the last runs up to the next one, its closing `],` included.
    if (!UNUSED_TABLES.includes(name)) stripped += source.slice(starts[i], end);
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

/** The entry of the OS table that names Android (and, with it, webOS, Tizen, KaiOS…). */
const ANDROID_ENTRY = '/(android|bada|blackberry|kaios|maemo|meego|openharmony|qnx|rim tablet os|sailfish|series40|symbian|tizen|webos)';
const ENTRY_END = '\n            ], [NAME, VERSION], [';
const OS_TABLE_END = '\n        ]\n    };';

/** ua-parser-js's source with the OS table's entries after the Android one removed. */
export function cutOsTableAfterAndroid(source) {
  const android = indexOfOnce(source, ANDROID_ENTRY);
  const entryEnd = source.indexOf(ENTRY_END, android);
  const tableEnd = source.indexOf(OS_TABLE_END, android);
  if (entryEnd < 0 || tableEnd < entryEnd || source.indexOf('\n        os : [[') > android) throw layoutChanged('the OS table no longer ends after its Android entry as expected');
  return `${source.slice(0, entryEnd)}\n            ], [NAME, VERSION]${source.slice(tableEnd)}`;
}

/** `source` with `marker`, found once, replaced by `replacement`. */
function replaceOnce(source, marker, replacement) {
  const at = indexOfOnce(source, marker);
  return source.slice(0, at) + replacement + source.slice(at + marker.length);
}

/** `source` without the text from `start` up to `end` (found once each, in that order), `end` kept. */
function removeUpTo(source, start, end, what) {
  const from = indexOfOnce(source, start);
  const to = indexOfOnce(source, end);
  if (to < from) throw layoutChanged(`${what} moved`);
  return source.slice(0, from) + source.slice(to);
}

// What the constructor does with what the slim parser does not have: extensions merged into the
// tables, and a call without `new` answering getResult().
const CONSTRUCTOR_START = `
        if (typeof ua === OBJ_TYPE) {
            extensions = ua;
            ua = undefined;
        }

        if (!(this instanceof UAParser)) {
            return new UAParser(ua, extensions).getResult();
        }
`;
const SLIM_CONSTRUCTOR_START = `
        if (!(this instanceof UAParser) || (ua && typeof ua === OBJ_TYPE) || extensions) {
            throw new TypeError('ua-parser-js (slim build): new UAParser(ua) only');
        }
`;
const RGXMAP = 'var _rgxmap = extensions ? extend(regexes, extensions) : regexes;';
const UNUSED_METHODS = ['getBrowser', 'getCPU', 'getEngine', 'getResult', 'getUA'];
const METHOD_END = '\n        };';
const ENUMS = `
    UAParser.BROWSER =  enumerize([NAME, VERSION, MAJOR]);
    UAParser.CPU = enumerize([ARCHITECTURE]);
    UAParser.DEVICE = enumerize([MODEL, VENDOR, TYPE, CONSOLE, MOBILE, SMARTTV, TABLET, WEARABLE, EMBEDDED]);
    UAParser.ENGINE = UAParser.OS = enumerize([NAME, VERSION]);`;
/** What no slim parser has, checked for after the removals (and by the tests, once minified). */
export const REMOVED = [...UNUSED_METHODS, 'extend', 'enumerize', 'majorize', 'oldSafariMap', 'UAParser.BROWSER', 'UAParser.CPU', 'UAParser.ENGINE', 'UAParser.DEVICE', 'UAParser.OS'];

/**
 * ua-parser-js's source without what only the removed tables use, or nothing calls: the other
 * getters, getResult() and getUA(), the enums, extensions, the Safari version map (the browser
 * table's), and the helpers they alone call. Expects stripUnusedTables and toEsModule (whose
 * jQuery code calls getResult()) to have run.
 */
export function removeUnusedMembers(source) {
  let slim = replaceOnce(source, CONSTRUCTOR_START, SLIM_CONSTRUCTOR_START);
  slim = replaceOnce(slim, RGXMAP, 'var _rgxmap = regexes;');
  slim = removeUpTo(slim, '\n    var extend = function (regexes, extensions) {', '\n        enumerize = function (arr) {', 'extend()');
  slim = removeUpTo(slim, '\n        enumerize = function (arr) {', '\n        has = function (str1, str2) {', 'enumerize()');
  slim = replaceOnce(slim, '\n        has = function (str1, str2) {', '\n    var has = function (str1, str2) {');
  slim = removeUpTo(slim, '\n    // Safari < 3.0\n    var oldSafariMap = {', '\n        windowsVersionMap = {', 'oldSafariMap');
  slim = replaceOnce(slim, '\n        windowsVersionMap = {', '\n    var windowsVersionMap = {');
  for (const name of UNUSED_METHODS) {
    const start = indexOfOnce(slim, `\n        this.${name} = function () {`);
    const end = slim.indexOf(METHOD_END, start);
    // A method runs up to the first `};` at its own indentation, and holds no other member.
    if (end < 0 || slim.slice(start + 1, end).includes('\n        this.')) throw layoutChanged(`${name}() no longer ends as expected`);
    slim = slim.slice(0, start) + slim.slice(end + METHOD_END.length);
  }
  slim = replaceOnce(slim, ENUMS, '');
  // majorize() was getBrowser()'s alone: what the minifier would drop, dropped here.
  slim = removeUpTo(slim, '\n        majorize = function (version) {', '\n        trim = function (str, len) {', 'majorize()');
  for (const name of REMOVED) {
    if (new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(slim)) throw layoutChanged(`${name} is still there`);
  }
  return slim;
}

export function slimUaParser(source) {
  return removeUnusedMembers(toEsModule(cutOsTableAfterAndroid(stripUnusedTables(source))));
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
