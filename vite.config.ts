import { defineConfig } from 'vite';

/** Builds the console (src/console) into dist/console, served by the server at /console/. */
export default defineConfig({
  root: 'src/console',
  base: '/console/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    // One script and one style sheet: nothing inline, so the CSP can forbid inline code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  logLevel: 'warn',
});
