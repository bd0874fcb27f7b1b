// Three library builds from one entry, chosen by `--mode` (see "build" in package.json):
//   bundle  dist/alipayhk-checkout.js       self-contained ES module for <script type="module">;
//                                            the QR encoder is a chunk beside it, loaded on demand
//   iife    dist/alipayhk-checkout.iife.js  the same as one classic script (global `AlipayHKCheckout`)
//   npm     dist/npm/                       ES modules for bundlers, dependencies left external
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const dependencies = Object.keys(pkg.dependencies);
const isDependency = (id: string) => dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

export default defineConfig(({ mode }) => {
  const common = {
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    resolve: { conditions: ['browser', 'production', 'module', 'import', 'default'] },
  };
  if (mode === 'npm') {
    return {
      ...common,
      build: {
        outDir: 'dist/npm',
        emptyOutDir: true,
        minify: false,
        sourcemap: true,
        lib: { entry: { index: 'src/index.ts', define: 'src/define.ts', 'alipayhk-checkout': 'src/alipayhk-checkout.ts' }, formats: ['es'] },
        rolldownOptions: {
          external: isDependency,
          output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
        },
      },
    };
  }
  const iife = mode === 'iife';
  return {
    ...common,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      lib: {
        entry: 'src/index.ts',
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
