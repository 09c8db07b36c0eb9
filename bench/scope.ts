import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Cleanup = () => unknown;

/** What a scenario (or the fixture cache) holds: temp dirs, child processes. Released in reverse order. */
export type Scope = {
  /** A fresh directory, removed when the scope ends. */
  readonly tempDir: (label: string) => string;
  readonly defer: (cleanup: Cleanup) => void;
  readonly close: () => Promise<void>;
};

const open = new Set<Scope>();

export const openScope = (): Scope => {
  const cleanups: Cleanup[] = [];
  const scope: Scope = {
    tempDir: (label) => {
      const path = mkdtempSync(join(tmpdir(), `skylight-bench-${label}-`));
      cleanups.push(() => rmSync(path, { recursive: true, force: true }));
      return path;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
    close: async () => {
      open.delete(scope);
      // Every cleanup runs even when one fails: a stuck server must not leave its data dir behind.
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };
  open.add(scope);
  return scope;
};

/** Runs `body` in a scope that is closed afterwards, whatever the outcome. */
export const withScope = async <A>(body: (scope: Scope) => Promise<A>): Promise<A> => {
  const scope = openScope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
};

/** On Ctrl-C: stop servers and remove temp dirs before leaving. */
export const closeAllScopes = async (): Promise<void> => {
  for (const scope of [...open].reverse()) await scope.close();
};
