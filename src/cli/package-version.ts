import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const versionIn = (dir: string): string | undefined => {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return manifest.name === 'skylight-projector' && typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined; // no package.json here (or not ours): look further up
  }
};

/** This package's version, from its package.json: found by walking up, since src/ (tsx) and dist/src/ sit at different depths. */
export const packageVersion = (): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const version = versionIn(dir);
    if (version !== undefined) return version;
    if (dirname(dir) === dir) return 'unknown';
  }
};
