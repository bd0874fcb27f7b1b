// Library builds chosen by `--mode` (see "build" in package.json):
//   bundle  dist/alipayhk-checkout.js       ES module for <script type="module"> (src/bundle.ts): it
//                                            loads the element (the next build) where there is a DOM
//   bundle-element dist/chunks/element.js  the element (src/index.ts) and, as chunks beside it, what
//                                            it loads on demand: the QR and its encoder, the popup,
//                                            each locale's strings, the failure reasons, tab sharing
//   bundle-node dist/alipayhk-checkout.node.js  what that entry loads instead where there is no DOM
//   iife    dist/alipayhk-checkout.iife.js  the same as one classic script (global `AlipayHKCheckout`)
//   npm     dist/npm/                       ES modules for bundlers (and `./react`), dependencies left external
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import pkg from './package.json' with { type: 'json' };
import { minify as minifyWithTerser } from 'terser';
import { uaParserSlim } from './scripts/ua-parser-slim.mjs';
import { cssLiteralsMinify } from './scripts/minify-css-literals.mjs';

/**
 * A classic script cannot load the element lazily as the module build does (src/bundle.ts), so
 * the whole script runs only where there is a DOM; `var AlipayHKCheckout` still becomes the
 * page's global, and importing the file in Node runs nothing instead of throwing.
 */
function skipWithoutDom(): Plugin {
  return {
    name: 'skip-without-dom',
    renderChunk(code) {
      return { code: `if (typeof document !== 'undefined') {\n${code}\n}\n`, map: null };
    },
  };
}

/**
 * The script-tag entry loads `./dom-free.js` only where there is no DOM, and `./index.js` (the
 * element) only where there is one; each is a separate build. Built into the entry's graph, the
 * DOM-free modules would become a chunk shared with the element, and a browser would fetch two
 * files (and a bundler runtime) where one does. And the entry's top-level await turns off
 * rolldown's chunk optimizations for its whole graph: the element's on-demand chunks would then
 * split what they share with the element (Lit, the status parser) into more files that every
 * shopper fetches, instead of importing it from the element's chunk.
 */
function entryOfSeparateBuilds(): Plugin {
  return {
    name: 'entry-of-separate-builds',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.endsWith('/src/bundle.ts')) return null;
      if (source === './dom-free.js') return { id: './alipayhk-checkout.node.js', external: true };
      if (source === './index.js') return { id: './chunks/element.js', external: true };
      return null;
    },
  };
}

/**
 * What a shopper downloads goes through terser after rolldown's own minifier: terser (the field's
 * standard, Vite's other minifier) finds about 1% more, which the phone's budget needs. Two
 * passes; ES2022, as the code already is. Its source map is chained onto rolldown's.
 */
function terserChunks(): Plugin {
  return {
    name: 'terser-chunks',
    async renderChunk(code, chunk, options) {
      const result = await minifyWithTerser(code, {
        module: options.format === 'es',
        ecma: 2022,
        compress: { passes: 2 },
        sourceMap: { asObject: true },
      });
      if (result.code === undefined) this.error(`terser returned nothing for ${chunk.fileName}`);
      return { code: result.code, map: result.map as string };
    },
  };
}

const dependencies = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
const isDependency = (id: string) => dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

export default defineConfig(({ mode }) => {
  const common = {
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    resolve: { conditions: ['browser', 'production', 'module', 'import', 'default'] },
  };
  if (mode === 'npm') {
    return {
      ...common,
      // The CSS too is what every bundler would ship: minifying it here changes nothing but its size.
      plugins: [cssLiteralsMinify()],
      build: {
        outDir: 'dist/npm',
        emptyOutDir: true,
        minify: false,
        sourcemap: true,
        lib: { entry: { index: 'src/index.ts', define: 'src/define.ts', 'alipayhk-checkout': 'src/alipayhk-checkout.ts', react: 'src/react.ts' }, formats: ['es'] },
        rolldownOptions: {
          external: isDependency,
          output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
        },
      },
    };
  }
  if (mode === 'bundle-node') {
    return {
      ...common,
      plugins: [uaParserSlim()],
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: { entry: 'src/dom-free.ts', formats: ['es'], fileName: () => 'alipayhk-checkout.node.js' },
        rolldownOptions: { output: { minify: true } },
      },
    };
  }
  if (mode === 'bundle-element') {
    return {
      ...common,
      plugins: [uaParserSlim(), cssLiteralsMinify(), terserChunks()],
      build: {
        outDir: 'dist/chunks',
        emptyOutDir: false,
        sourcemap: true,
        lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'element.js' },
        // The chunks it loads on demand import what they share with it (Lit, the status parser)
        // from it, rather than from more files of their own.
        rolldownOptions: { preserveEntrySignatures: 'allow-extension', output: { minify: true, chunkFileNames: '[name]-[hash].js' } },
      },
    };
  }
  const iife = mode === 'iife';
  return {
    ...common,
    // The module entry holds neither the styles nor ua-parser-js: they are in its separate builds.
    plugins: iife ? [uaParserSlim(), cssLiteralsMinify(), terserChunks(), skipWithoutDom()] : [entryOfSeparateBuilds()],
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      lib: {
        entry: iife ? 'src/index.ts' : 'src/bundle.ts',
        name: 'AlipayHKCheckout',
        formats: [iife ? 'iife' : 'es'],
        fileName: () => (iife ? 'alipayhk-checkout.iife.js' : 'alipayhk-checkout.js'),
      },
      rolldownOptions: {
        output: {
          minify: true,
          ...(iife ? { codeSplitting: false } : {}),
        },
      },
    },
  };
});
