// The script-tag builds ship ua-parser-js slimmed (scripts/ua-parser-slim.mjs): these hold the
// slim parser to the full one on every question detectEnvironment asks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { slimUaParser, stripUnusedTables, toEsModule, uaParserSlim } from '../../scripts/ua-parser-slim.mjs';

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
    for (const ua of userAgents) {
      const full = new FullParser(ua);
      const slim = new SlimParser(ua);
      assert.deepEqual(slim.getOS(), full.getOS(), `getOS() for ${ua}`);
      assert.deepEqual(slim.getDevice(), full.getDevice(), `getDevice() for ${ua}`);
    }
    // The corpus is worth something only if it spans what detection tells apart.
    const types = new Set(userAgents.map((ua) => new FullParser(ua).getDevice().type));
    const systems = new Set(userAgents.map((ua) => new FullParser(ua).getOS().name));
    for (const type of ['mobile', 'tablet', undefined, 'smarttv', 'console', 'wearable']) assert.ok(types.has(type), `a ${type} device`);
    for (const name of ['iOS', 'Android', 'Mac OS', 'Windows', 'Linux', 'HarmonyOS']) assert.ok(systems.has(name), `an ${name} device`);
  });

  it('has no browser, CPU or engine tables left', () => {
    const ua = userAgents[0];
    assert.equal(new FullParser(ua).getBrowser().name, 'Chrome');
    assert.equal(new SlimParser(ua).getBrowser().name, undefined);
    assert.equal(new SlimParser(ua).getEngine().name, undefined);
    assert.equal(new SlimParser(ua).getCPU().architecture, undefined);
    assert.ok(slimUaParser(source).length < source.length * 0.75, 'the tables were a quarter of the file or more');
  });

  describe('touches no global of the page', () => {
    let savedWindow;
    before(() => {
      savedWindow = globalThis.window;
    });
    after(() => {
      globalThis.window = savedWindow;
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
    assert.throws(() => toEsModule(source.replace("window : this);", 'window : globalThis);')), /layout changed/);
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
