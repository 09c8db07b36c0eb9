import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const SOURCES = 'src/console';
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
 * sources (as `npm install` and `npm start` do).
 */
export default async function buildConsole(): Promise<void> {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(SOURCES)) return;
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
