// Library builds chosen by `--mode` (see "build" in package.json):
//   bundle  dist/alipayhk-checkout.js       ES module for <script type="module"> (src/bundle.ts): the
//                                            element and the QR encoder are chunks beside it that it
//                                            loads itself, the QR encoder only when a QR is drawn
//   bundle-node dist/alipayhk-checkout.node.js  what that entry loads instead where there is no DOM
//   iife    dist/alipayhk-checkout.iife.js  the same as one classic script (global `AlipayHKCheckout`)
//   npm     dist/npm/                       ES modules for bundlers (and `./react`), dependencies left external
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import pkg from './package.json' with { type: 'json' };
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
 * The script-tag entry loads `./dom-free.js` only where there is no DOM. Built into the same
 * graph, its modules would become a chunk shared with the element, and a browser would fetch
 * two files (and a bundler runtime) where one does; so that import points at a separate build.
 */
function domFreeFromSeparateBuild(): Plugin {
  return {
    name: 'dom-free-from-separate-build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './dom-free.js' && importer?.endsWith('/src/bundle.ts')) {
        return { id: './alipayhk-checkout.node.js', external: true };
      }
      return null;
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
  const iife = mode === 'iife';
  return {
    ...common,
    plugins: [uaParserSlim(), cssLiteralsMinify(), iife ? skipWithoutDom() : domFreeFromSeparateBuild()],
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
          chunkFileNames: 'chunks/[name]-[hash].js',
          ...(iife ? { codeSplitting: false } : {}),
        },
      },
    },
  };
});
