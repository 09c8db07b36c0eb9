import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under the directory, recursively, with its raw bytes: what an attacker with the disk would read. */
export const filesUnder = (dir: string): { path: string; bytes: Buffer }[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });

/** Which of the values occur (as UTF-8) in which files under the directory. */
export const valuesFoundUnder = (dir: string, values: readonly string[]): string[] =>
  filesUnder(dir).flatMap(({ path, bytes }) => values.filter((value) => bytes.includes(value, 0, 'utf8')).map((value) => `${value} in ${path}`));
