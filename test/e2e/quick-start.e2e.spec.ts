import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * `npm start` runs `scripts/build.js --if-stale`: on an installed checkout it must not compile again (that was most
 * of an 11 s start), and it must compile whenever a source or a build setting changed. Checked on a small checkout
 * of its own (one source file per folder), by what the script writes, not by how long it takes.
 */
describe('the build before npm start', () => {
  const checkout = makeTempDir('quick-start');
  const dir = checkout.path;
  const build = (...args: string[]) =>
    execFileSync(process.execPath, ['scripts/build.js', ...args], { cwd: dir, stdio: 'pipe', encoding: 'utf8' }).toString();
  const built = () => statSync(join(dir, 'dist', 'src', 'main.js')).mtimeMs;
  const age = (path: string, secondsAgo: number) => {
    const at = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(dir, path), at, at);
  };

  beforeAll(() => {
    cpSync(resolve('scripts'), join(dir, 'scripts'), { recursive: true });
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'quick-start-check', type: 'module', private: true }));
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', rootDir: '.', types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'projections'] }));
    writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src', 'projections'] }));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'projections'));
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer: number = 42;\n');
    writeFileSync(join(dir, 'projections', 'one.ts'), 'export const one: number = 1;\n');
  });
  afterAll(() => checkout.remove());

  it('builds on the first start, then not again while nothing changed', () => {
    expect(build('--if-stale')).toBe('');
    const first = built();
    expect(build('--if-stale')).toBe('');
    expect(built()).toBe(first);
  }, 60_000);

  it.each([['src/main.ts'], ['projections/one.ts'], ['tsconfig.build.json']])('builds again once %s is newer than the last build', (path) => {
    age('dist/.build-stamp', 60);
    age('dist/src/main.js', 60);
    const before = built();
    const settings = { extends: './tsconfig.json', include: ['src', 'projections'], compilerOptions: { removeComments: true } };
    writeFileSync(join(dir, path), path.endsWith('.json') ? JSON.stringify(settings) : `export const changed: number = ${Date.now()};\n`);
    build('--if-stale');
    expect(built()).toBeGreaterThan(before);
  }, 60_000);

  it('builds again when a source file is removed (its folder changed)', () => {
    writeFileSync(join(dir, 'src', 'extra.ts'), 'export const extra = 1;\n');
    build('--if-stale');
    age('dist/.build-stamp', 60);
    age('dist/src/main.js', 60);
    age('src/main.ts', 120);
    const before = built();
    rmSync(join(dir, 'src', 'extra.ts'));
    build('--if-stale');
    expect(built()).toBeGreaterThan(before);
  }, 60_000);
});
