// The script-tag builds ship ua-parser-js slimmed (scripts/ua-parser-slim.mjs): these hold the
// slim parser to the full one on every question detectEnvironment asks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { minifySync } from 'vite';
import { REMOVED, cutOsTableAfterAndroid, removeUnusedMembers, slimUaParser, stripUnusedTables, toEsModule, uaParserSlim } from '../../scripts/ua-parser-slim.mjs';

const require = createRequire(import.meta.url);
const sourcePath = require.resolve('ua-parser-js/src/ua-parser.js');
const source = readFileSync(sourcePath, 'utf8');
const userAgents = JSON.parse(readFileSync(new URL('../fixtures/user-agents.json', import.meta.url), 'utf8'));

const importFromText = (code) => import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

describe('ua-parser-js as the script-tag builds ship it', () => {
  let FullParser;
  let SlimParser;
  before(async () => {
    FullParser = require('ua-parser-js');
    SlimParser = (await importFromText(slimUaParser(source))).default;
  });

  it('is an ES module whose default export is UAParser', () => {
    assert.equal(typeof SlimParser, 'function');
    assert.equal(SlimParser.VERSION, FullParser.VERSION);
  });

  it(`answers getOS() and getDevice() as the full parser does for ${userAgents.length} user agents`, () => {
    assert.ok(userAgents.length >= 40);
    // The OS names detectEnvironment tells apart; any other name (or none) means "neither".
    const told = ['iOS', 'Mac OS', 'Android'];
    let unnamed = 0;
    for (const ua of userAgents) {
      const full = new FullParser(ua);
      const slim = new SlimParser(ua);
      if (slim.getOS().name === undefined && full.getOS().name !== undefined) {
        unnamed++;
        assert.ok(!told.includes(full.getOS().name), `getOS() for ${ua} lost ${full.getOS().name}`);
      } else {
        assert.deepEqual(slim.getOS(), full.getOS(), `getOS() for ${ua}`);
      }
      assert.deepEqual(slim.getDevice(), full.getDevice(), `getDevice() for ${ua}`);
    }
    assert.ok(unnamed > 0, 'the corpus has an OS named only after the Android entry (Linux)');
    // The corpus is worth something only if it spans what detection tells apart.
    const types = new Set(userAgents.map((ua) => new FullParser(ua).getDevice().type));
    const systems = new Set(userAgents.map((ua) => new FullParser(ua).getOS().name));
    for (const type of ['mobile', 'tablet', undefined, 'smarttv', 'console', 'wearable']) assert.ok(types.has(type), `a ${type} device`);
    for (const name of ['iOS', 'Android', 'Mac OS', 'Windows', 'Linux', 'HarmonyOS']) assert.ok(systems.has(name), `an ${name} device`);
  });

  it('has no browser, CPU or engine tables left', () => {
    const slim = slimUaParser(source);
    for (const table of ['browser', 'cpu', 'engine']) assert.doesNotMatch(slim, new RegExp(`\\b${table} : \\[`), table);
    assert.ok(slim.length < source.length * 0.65, 'the tables and their methods were over a third of the file');
  });

  it('is new UAParser(ua) with getOS() and getDevice(), and nothing else anything could call', () => {
    const ua = userAgents[0];
    assert.deepEqual(Object.keys(new SlimParser(ua)).sort(), ['getDevice', 'getOS', 'setUA']);
    assert.deepEqual(Object.keys(SlimParser), ['VERSION']);
    // What the full parser has and the slim one has not.
    const full = new FullParser(ua);
    for (const method of ['getBrowser', 'getCPU', 'getEngine', 'getResult', 'getUA']) {
      assert.equal(typeof full[method], 'function', method);
      assert.equal(new SlimParser(ua)[method], undefined, method);
    }
    for (const name of ['BROWSER', 'CPU', 'ENGINE', 'DEVICE', 'OS']) assert.equal(typeof FullParser[name], 'object', name);
    for (const name of REMOVED) assert.doesNotMatch(slimUaParser(source), new RegExp(`\\b${name.replace('.', '\\.')}\\b`), name);
  });

  it('throws, rather than answering wrongly, where the full parser reads extensions or answers getResult()', () => {
    const ua = userAgents[0];
    assert.equal(FullParser(ua).os.name, new FullParser(ua).getOS().name);
    assert.throws(() => SlimParser(ua), { name: 'TypeError', message: /slim build.*new UAParser\(ua\) only/ });
    assert.throws(() => new SlimParser(ua, { os: [[/x/], ['name']] }), TypeError);
    assert.throws(() => new SlimParser({ os: [[/x/], ['name']] }), TypeError);
    // No user agent (and none in the page): both read an empty string.
    assert.deepEqual(new SlimParser().getOS(), new FullParser().getOS());
    assert.deepEqual(new SlimParser(null).getDevice(), new FullParser(null).getDevice());
    // A user agent over 500 characters is cut as the full parser cuts it.
    const long = `${ua} ${'x'.repeat(600)}`;
    assert.deepEqual(new SlimParser(long).getOS(), new FullParser(long).getOS());
    assert.deepEqual(new SlimParser(long).getDevice(), new FullParser(long).getDevice());
  });

  it('leaves nothing of the removed members in what the minifier ships', () => {
    const { code, errors } = minifySync('ua-parser.js', slimUaParser(source));
    assert.deepEqual(errors, []);
    // Names and strings that only the removed members held (majorize's "major", extend's concat()).
    for (const text of ['getBrowser', 'getCPU', 'getEngine', 'getResult', 'getUA', 'isBrave', 'BROWSER', 'ENGINE', 'DEVICE', 'CPU', 'architecture', 'major', '.concat(', '/412', 'Opera', 'Firefox']) {
      assert.ok(!code.includes(text), `${text} is in the minified parser`);
    }
    assert.ok(code.includes('getOS') && code.includes('getDevice') && code.includes('1.0.41'));
  });

  describe('touches no global of the page', () => {
    let savedWindow;
    before(() => {
      savedWindow = globalThis.window;
    });
    after(() => {
      globalThis.window = savedWindow;
    });

    it("reads the page's navigator as the full parser does (Client Hints, iPads asking for the desktop site)", async () => {
      const pages = [
        { userAgent: userAgents[0], userAgentData: { mobile: true, platform: 'Android' } },
        { userAgent: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', userAgentData: { mobile: false, platform: 'macOS' } },
        { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', standalone: false, maxTouchPoints: 5 },
      ];
      const answers = [];
      for (const navigator of pages) {
        globalThis.window = { navigator };
        const Slim = (await importFromText(`${slimUaParser(source)}\n// ${Math.random()}`)).default;
        const module = { exports: {} };
        new Function('exports', 'module', 'window', source)(module.exports, module, globalThis.window);
        const Full = module.exports;
        for (const ua of [undefined, navigator.userAgent]) {
          assert.deepEqual(new Slim(ua).getOS(), new Full(ua).getOS(), `getOS() on ${navigator.userAgent}`);
          assert.deepEqual(new Slim(ua).getDevice(), new Full(ua).getDevice(), `getDevice() on ${navigator.userAgent}`);
        }
        answers.push({ os: new Slim().getOS().name, device: new Slim().getDevice().type });
      }
      // The cases are worth something only if the navigator changes the answers.
      assert.deepEqual(answers, [{ os: 'Mac OS', device: 'mobile' }, { os: 'Mac OS', device: undefined }, { os: 'Mac OS', device: 'tablet' }]);
      assert.equal(new SlimParser(pages[0].userAgent).getDevice().type, undefined);
      assert.equal(new SlimParser(pages[1].userAgent).getOS().name, undefined);
      assert.equal(new SlimParser(pages[2].userAgent).getDevice().type, undefined);
    });

    it("leaves a page's jQuery alone, where the full parser sets $.ua", async () => {
      const jQuery = {};
      globalThis.window = { jQuery, navigator: { userAgent: userAgents[0] } };
      await importFromText(`${slimUaParser(source)}\n// ${Math.random()}`);
      assert.equal(jQuery.ua, undefined);
      assert.equal(globalThis.window.UAParser, undefined);
      // The same page with the package as published: the side effect the slim build removes.
      new Function('exports', 'module', source)({}, { exports: {} });
      assert.equal(typeof jQuery.ua, 'object');
    });
  });

  it('fails loudly when an update changes the layout it relies on', () => {
    assert.throws(() => stripUnusedTables(source.replace('\n        cpu : [[', '\n        cpu: [[')), /"cpu : \[\[" once.*layout changed/);
    assert.throws(() => stripUnusedTables(`${source}\n        os : [[`), /"os : \[\[" once/);
    assert.throws(() => toEsModule(source.replace('// check js environment', '// environment')), /check js environment/);
    assert.throws(() => cutOsTableAfterAndroid(source.replace('|webos)\\w*', '|webos|x)\\w*')), /layout changed/);
    assert.throws(() => toEsModule(source.replace("window : this);", 'window : globalThis);')), /layout changed/);
    // What only the removed members use: the constructor's extensions, the methods, the enums.
    assert.throws(() => slimUaParser(source.replace('.getResult();\n        }', '.getResult(true);\n        }')), /layout changed/);
    assert.throws(() => slimUaParser(source.replace('? extend(regexes, extensions) :', '? extend(extensions, regexes) :')), /_rgxmap.*once/);
    assert.throws(() => slimUaParser(source.replace('UAParser.CPU = enumerize([ARCHITECTURE]);', 'UAParser.CPU = enumerize([ARCHITECTURE, NAME]);')), /layout changed/);
    assert.throws(() => slimUaParser(source.replace('        this.getCPU = function () {\n', '        this.getCPU = function () {\n        this.getGPU = function () {};\n')), /getCPU\(\) no longer ends/);
    assert.throws(() => slimUaParser(source.replace('var _isSelfNav', 'var _types = UAParser.BROWSER, _isSelfNav')), /UAParser.BROWSER is still there/);
    assert.throws(() => slimUaParser(source.replace('    // Safari < 3.0\n', '')), /Safari < 3\.0/);
    assert.throws(() => removeUnusedMembers(source), /getResult is still there/, 'before toEsModule, the jQuery code still calls getResult()');
  });

  it('fails the build when the build never bundles the file it slims', () => {
    const plugin = uaParserSlim();
    assert.equal(plugin.transform('export default 1', '/app/src/other.js'), null);
    const errors = [];
    plugin.buildEnd.call({ error: (message) => errors.push(message) });
    assert.match(errors[0] ?? '', /never bundled/);
    const slimmed = plugin.transform(source, sourcePath);
    assert.match(slimmed.code, /export default \(function \(window, undefined\)/);
  });
});
