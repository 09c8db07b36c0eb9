import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const TEXT = /\.(?:html|js|css|svg|json)$/;

/**
 * Writes a `.br` and a `.gz` beside each text file of the build, at the highest levels: compressed once here rather
 * than on every request, and served by @fastify/static's `preCompressed` to the clients that accept them. A version
 * no smaller than its file is left out (the server then sends the file as it is).
 */
const precompress = (): Plugin => {
  let outDir = '';
  return {
    name: 'precompress',
    apply: 'build',
    configResolved: (config) => {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: () => {
      const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).map((name) => join(outDir, name));
      for (const file of files.filter((path) => TEXT.test(path) && statSync(path).isFile())) {
        const bytes = readFileSync(file);
        const versions = {
          br: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }),
          gz: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }),
        };
        for (const [extension, compressed] of Object.entries(versions)) {
          if (compressed.byteLength < bytes.byteLength) writeFileSync(`${file}.${extension}`, compressed);
        }
      }
    },
  };
};

/** Builds the console (src/console) into dist/console, served by the server at /console/. */
export default defineConfig({
  root: 'src/console',
  base: '/console/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [precompress()],
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
