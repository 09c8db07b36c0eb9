import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory per test file, removed afterwards whatever the outcome. */
export const makeTempDir = (label: string): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), `skylight-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};
