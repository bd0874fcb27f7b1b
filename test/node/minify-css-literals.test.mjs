// The builds ship css`` literals minified (scripts/minify-css-literals.mjs): these hold the CSS
// Lit receives to lightningcss's reading of the CSS as written, and the refusals to fail loudly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseSync, Visitor } from 'vite';
import { cssLiteralsMinify, minifyCss as minifyCssWithWarnings, minifyCssLiterals, templateLiteralBody } from '../../scripts/minify-css-literals.mjs';

const minifyCss = (css) => minifyCssWithWarnings(css).css;

const STYLES = '/app/src/widget.styles.ts';

// A styles module as they are written: comments outside the literal (one naming css``), rules
// with escapes that the template literal must keep (a CSS escape, a backtick, a `${` in strings).
const fixture = String.raw`// css${'``'} would ship its comments, so they are here.
import { css } from 'lit';

export const styles = css${'`'}
  :host {
    display: block;
    color: #ffffff;
    --widget-font: system-ui, 'PingFang HK', sans-serif;
  }
  .dash::before {
    content: '\\2014  \${not} \` quoted';
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
${'`'};

export const after = 'unchanged';
`;

/** The value of each css`` literal in `code` as Lit receives it (the cooked template text). */
function cssValues(code, filename = STYLES) {
  const values = [];
  new Visitor({
    TaggedTemplateExpression(node) {
      if (node.tag.name !== 'css') return;
      // Evaluated by the JavaScript engine, so the escapes are read exactly as a browser reads them.
      values.push(new Function('css', `return ${code.slice(node.start, node.end)}`)((strings) => strings[0]));
    },
  }).visit(parseSync(filename, code).program);
  return values;
}

describe('css`` literals minified at build time', () => {
  const [written] = cssValues(fixture);

  it('ships the rules as lightningcss minifies them, escapes included', () => {
    const { code, count, warnings } = minifyCssLiterals(fixture, STYLES);
    assert.equal(count, 1);
    assert.deepEqual(warnings, []);
    const [shipped] = cssValues(code);
    assert.equal(shipped, minifyCss(written));
    // The same rules: lightningcss reads the shipped CSS as it reads the CSS as written.
    assert.equal(minifyCss(shipped), minifyCss(written));
    assert.ok(!/\n\s/.test(shipped), 'no indentation or newlines left');
    assert.ok(shipped.length < written.length * 0.75, `${shipped.length} B, from ${written.length} B`);
    // lightningcss writes the CSS escape as the character it stands for (the same string).
    assert.ok(shipped.includes('content:"\u2014 ${not} ` quoted"'), shipped);
    assert.ok(code.includes('content:"\u2014 \\${not} \\` quoted"'), 'the backtick and ${ escaped in the module');
  });

  it('keeps every line of the module where it was (its source map stays right)', () => {
    const { code } = minifyCssLiterals(fixture, STYLES);
    const lines = code.split('\n');
    assert.equal(lines.length, fixture.split('\n').length);
    assert.equal(lines.indexOf("export const after = 'unchanged';"), fixture.split('\n').indexOf("export const after = 'unchanged';"));
    assert.ok(code.startsWith(fixture.slice(0, fixture.indexOf('css`\n'))), 'the text before the literal is untouched');
    // So the plugin's source map sends each line to the same line of the file as written.
    const { map } = cssLiteralsMinify().transform(fixture, STYLES);
    assert.deepEqual(map.sourcesContent, [fixture]);
    assert.deepEqual(map.sources, [STYLES]);
    const segments = map.mappings.split(';');
    assert.equal(segments.length, lines.length);
    assert.deepEqual(new Set(segments.slice(1)), new Set(['AACA']), 'column 0 of the next line of the source');
    assert.equal(segments[0], 'AAAA');
  });

  it('writes any text back as a template literal with the same value', () => {
    for (const text of ['a`b', 'a\\b', '${x}', '$ {x} $', 'a\rb\r\nc', '\\`\\${', '']) {
      assert.equal(new Function(`return \`${templateLiteralBody(text)}\``)(), text, JSON.stringify(text));
    }
  });

  it('leaves other tagged templates and a css`` in a comment alone', () => {
    const code = "// css`a { b: c }`\nconst a = html`<p>  x  </p>`;\nconst b = `  ${a}  `;\n";
    assert.deepEqual(minifyCssLiterals(code, STYLES), { code, count: 0, warnings: [] });
  });

  describe('refuses, failing the build', () => {
    it('a literal with ${} expressions (not minified, so not shipped)', () => {
      const code = "import { css, unsafeCSS } from 'lit';\nexport const s = css`:host { color: ${unsafeCSS('red')}; }`;\n";
      assert.throws(() => minifyCssLiterals(code, STYLES), /widget\.styles\.ts: the css`` literal on line 2 has \$\{\} expressions/);
    });

    it('CSS that lightningcss cannot read', () => {
      assert.throws(() => minifyCssLiterals('export const s = css`.a { color: red }}`;\n', STYLES), /Unexpected end of input/);
      assert.throws(() => minifyCssLiterals('export const s = css`.a[ { color: red }`;\n', STYLES), /Unexpected end of input/);
      assert.throws(() => minifyCssLiterals('export const s = css`@media ( { .a { color: red } }`;\n', STYLES), /Invalid media query/);
    });

    it('an escape the template literal cannot cook (Lit would receive undefined)', () => {
      assert.throws(() => minifyCssLiterals("export const s = css`.a::before { content: '\\2014' }`;\n", STYLES), /invalid escape/);
    });

    it('a file that does not parse', () => {
      assert.throws(() => minifyCssLiterals('export const s = css`a{}`;;)\n', STYLES), /does not parse/);
    });
  });

  it('keeps what lightningcss does not know as written, and the build warns', () => {
    const plugin = cssLiteralsMinify();
    const warned = [];
    const { code } = plugin.transform.call({ warn: (message) => warned.push(message) }, 'export const s = css`\n  ::scroll-buttons(up) {\n    color: red;\n  }\n`;\n', STYLES);
    assert.deepEqual(cssValues(code), ['::scroll-buttons(up){color:red}']);
    assert.equal(warned.length, 1);
    assert.match(warned[0], /widget\.styles\.ts:1: .*scroll-buttons/);
  });

  describe('as a Vite plugin', () => {
    it('transforms src/**/*.styles.ts only', () => {
      const plugin = cssLiteralsMinify();
      assert.equal(plugin.enforce, 'pre');
      assert.equal(plugin.transform(fixture, '/app/src/widget.ts'), null);
      assert.equal(plugin.transform(fixture, '/app/node_modules/x/src/widget.styles.ts'), null);
      assert.equal(plugin.transform(fixture, '/app/test/widget.styles.ts'), null);
      assert.equal(cssValues(plugin.transform(fixture, `${STYLES}?v=1`).code)[0], minifyCss(written));
      assert.equal(cssValues(plugin.transform(fixture, '/app/src/parts/button.styles.ts').code, '/app/src/parts/button.styles.ts')[0], minifyCss(written));
    });

    it('fails the build when it minified nothing', () => {
      const errors = [];
      const plugin = cssLiteralsMinify();
      plugin.transform('export const x = 1;\n', STYLES);
      plugin.buildEnd.call({ error: (message) => errors.push(message) });
      assert.match(errors[0] ?? '', /no css`` literal/);
      const built = cssLiteralsMinify();
      built.transform(fixture, STYLES);
      built.buildEnd.call({ error: (message) => errors.push(message) });
      assert.equal(errors.length, 1);
    });

    it("minifies the element's styles as they are today", () => {
      const file = new URL('../../src/alipayhk-checkout.styles.ts', import.meta.url).pathname;
      const code = readFileSync(file, 'utf8');
      const { code: shipped, count } = minifyCssLiterals(code, file);
      assert.ok(count >= 1);
      const before = cssValues(code, file);
      const after = cssValues(shipped, file);
      assert.deepEqual(after, before.map((css) => minifyCss(css)));
      after.forEach((css, i) => assert.ok(css.length < before[i].length, 'shorter'));
    });
  });
});
