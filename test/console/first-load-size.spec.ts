import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';

const BUILT = 'dist/console';

/** What the browser fetches to show the console's first view: index.html and the files it names. */
const firstLoad = (): string[] => {
  const html = readFileSync(join(BUILT, 'index.html'), 'utf8');
  const named = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((match) => match[1] ?? '');
  return ['index.html', ...named];
};

it('the first load of the built console stays under 200 KB gzip-compressed', () => {
  const files = firstLoad();
  expect(files.some((file) => file.endsWith('.js'))).toBe(true);
  expect(files.some((file) => file.endsWith('.css'))).toBe(true);
  const sizes = files.map((file) => {
    const bytes = readFileSync(join(BUILT, file));
    return { file, bytes: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
  });
  const total = sizes.reduce((sum, size) => sum + size.gzip, 0);
  console.log(`console first load, built: ${sizes.map((size) => `${size.file} ${size.bytes} B (${size.gzip} B gzip)`).join(', ')}; ${total} B gzip in all`);
  expect(total).toBeLessThanOrEqual(200 * 1024);
});
