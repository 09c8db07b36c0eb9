// Compiles src/ and projections/ into dist/, and builds the console (src/console) into dist/console with Vite. With --if-stale, only when a source or build setting changed since
// the last build: `npm start` then starts at once on an installed checkout instead of compiling every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';

const INPUTS = ['src', 'projections', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts', 'package.json'];
const STAMP = join('dist', '.build-stamp');

/** The latest change under a path; a directory's own time counts too (it changes when a file is removed). */
const newest = (path) => {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};

const stale = () => !existsSync(STAMP) || INPUTS.filter((input) => existsSync(input)).some((input) => newest(input) > statSync(STAMP).mtimeMs);

if (process.argv.includes('--if-stale') && !stale()) {
  process.exit(0);
}
// The stamp carries the time the build started: a source saved during the build makes the next start build again.
const started = new Date();
const resolve = createRequire(join(process.cwd(), 'package.json')).resolve;
const tsc = resolve('typescript/bin/tsc');
if (process.argv.includes('--if-stale')) process.stderr.write('building dist/: sources changed since the last build\n');
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// The console, where the checkout has one. vite's package exports do not include its bin: it sits beside package.json.
if (existsSync('vite.config.ts')) {
  const vite = spawnSync(process.execPath, [join(dirname(resolve('vite/package.json')), 'bin', 'vite.js'), 'build'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
writeFileSync(STAMP, `${started.toISOString()}\n`);
utimesSync(STAMP, started, started);
