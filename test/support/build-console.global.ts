import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const SOURCES = 'src/console';
const SETTINGS = 'vite.config.ts';
const BUILT = 'dist/console/index.html';

const newestSource = (directory: string): number =>
  Math.max(
    ...readdirSync(directory, { withFileTypes: true }).map((entry) => {
      const path = join(directory, entry.name);
      return entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    }),
  );

/**
 * Test set-up: the server under test serves the built console, so build it when it is missing or older than its
 * sources or its build settings (which also precompress it), as `npm run build` does: vite's own command, in
 * production mode (vitest's NODE_ENV=test would otherwise give a development bundle, twice the size).
 */
export default function buildConsole(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(newestSource(SOURCES), statSync(SETTINGS).mtimeMs)) return;
  const vite = join(dirname(createRequire(resolve('package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
