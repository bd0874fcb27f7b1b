// The element's styles are a css`` tagged template (src/alipayhk-checkout.styles.ts), which the
// builds would otherwise ship as written: indented, one declaration a line. Vite minifies .css
// files, not CSS inside JavaScript strings, so this plugin does it for css`` literals in
// src/**/*.styles.ts: each becomes lightningcss's minified output, the CSS Lit receives being the
// same rules, only shorter.
// - lightningcss is the minifier Vite itself uses for CSS, and the field's standard; it is in
//   devDependencies at Vite's own version so that this import never depends on how npm hoists
//   Vite's dependencies.
// - No targets: nothing is lowered or prefixed, the rules ship as written.
// - A css`` literal with ${} expressions is refused, and so is one whose CSS lightningcss cannot
//   read: the build fails rather than ship it unminified, where only the size budgets would
//   show it later. (Lit's css`` takes expressions of other css`` results; the styles have none.)
//   What lightningcss reads but does not know it keeps as written, and the build warns.
import { transform as lightningcss } from 'lightningcss';
import { parseSync, Visitor } from 'vite';

const STYLES_FILE = /[\\/]src[\\/](?:.+[\\/])?[^\\/]+\.styles\.ts$/;

function refuse(filename, what) {
  return new Error(`minify-css-literals: ${filename}: ${what}; see scripts/minify-css-literals.mjs`);
}

/**
 * `css` minified by lightningcss, which throws where it cannot read the CSS. What it reads but
 * does not know (a pseudo-element newer than it, say) it keeps as written, with a warning.
 */
export function minifyCss(css, filename = 'styles.css') {
  const { code, warnings } = lightningcss({ filename, code: Buffer.from(css), minify: true });
  return { css: code.toString(), warnings: warnings.map((w) => `${filename}: ${w.message}`) };
}

/** The body of a template literal (backticks excluded) whose value is `text`, and which has no `${`. */
export function templateLiteralBody(text) {
  return text.replace(/[\\`\r]|\$\{/g, (s) => (s === '\r' ? '\\r' : `\\${s}`));
}

/**
 * `code` (TypeScript) with every css`` literal's text minified. The literal's lines are kept as
 * blank lines after it, outside the string, so that every other line keeps its number and the
 * source map is simple (lineForLineMap); the code generator drops them.
 */
export function minifyCssLiterals(code, filename) {
  const { program, errors } = parseSync(filename, code);
  if (errors.length > 0) throw refuse(filename, `does not parse: ${errors[0].message}`);
  const literals = [];
  const warnings = [];
  new Visitor({
    TaggedTemplateExpression(node) {
      if (node.tag.type === 'Identifier' && node.tag.name === 'css') literals.push(node.quasi);
    },
  }).visit(program);
  let minified = '';
  let copiedUpTo = 0;
  for (const literal of literals) {
    const line = code.slice(0, literal.start).split('\n').length;
    if (literal.expressions.length > 0) throw refuse(filename, `the css\`\` literal on line ${line} has \${} expressions, which this plugin does not minify`);
    const [{ value }] = literal.quasis;
    const source = code.slice(literal.start, literal.end);
    if (source.replace(/\r\n?/g, '\n') !== `\`${value.raw}\``) throw refuse(filename, `the css\`\` literal on line ${line} is not where the parser says`);
    if (typeof value.cooked !== 'string') throw refuse(filename, `the css\`\` literal on line ${line} has an invalid escape`);
    const { css, warnings: read } = minifyCss(value.cooked, `${filename}:${line}`);
    warnings.push(...read);
    minified += `${code.slice(copiedUpTo, literal.start)}\`${templateLiteralBody(css)}\`${'\n'.repeat(source.split('\n').length - 1)}`;
    copiedUpTo = literal.end;
  }
  return { code: minified + code.slice(copiedUpTo), count: literals.length, warnings };
}

/**
 * The source map of a transform that keeps every line where it was (minifyCssLiterals): line n
 * of the output comes from line n of `original`, which the map carries as the file's source.
 */
export function lineForLineMap(file, original) {
  const lines = original.split('\n').length;
  // Each line one segment: column 0, source 0, one line down from the last, column 0.
  return { version: 3, sources: [file], sourcesContent: [original], names: [], mappings: ['AAAA', ...Array(lines - 1).fill('AACA')].join(';') };
}

/** Vite plugin applying minifyCssLiterals to src/**\/*.styles.ts; the build fails if it minified nothing. */
export function cssLiteralsMinify() {
  let minified = 0;
  return {
    name: 'minify-css-literals',
    // Before TypeScript is compiled, so that the literal is the one written in the file.
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0];
      if (!STYLES_FILE.test(file) || /[\\/]node_modules[\\/]/.test(file)) return null;
      const result = minifyCssLiterals(code, file);
      minified += result.count;
      for (const warning of result.warnings) this.warn(warning);
      return result.count > 0 ? { code: result.code, map: lineForLineMap(file, code) } : null;
    },
    buildEnd(error) {
      if (!error && minified === 0) this.error('minify-css-literals: no css`` literal in src/**/*.styles.ts was minified: where are the styles now?');
    },
  };
}
