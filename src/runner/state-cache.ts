/**
 * The states a writer last committed, per table and key, so a batch does not read and parse back what the previous
 * batch wrote. Bounded (least recently used go first). It stays true to the table because every writer advances the
 * table's checkpoint by compare-and-set in the same transaction as its rows: as long as ours succeeds, nobody else
 * wrote; when it fails, the cache is cleared.
 */
export type StateCache = {
  readonly get: (table: string, key: string) => unknown;
  readonly remember: (table: string, states: ReadonlyMap<string, unknown>) => void;
  /** Forgets everything but the given tables (a rebuild swapped others out). */
  readonly retain: (tables: ReadonlySet<string>) => void;
  readonly clear: () => void;
};

export const stateCache = (limitPerTable: number): StateCache => {
  const tables = new Map<string, Map<string, unknown>>();
  return {
    get: (table, key) => {
      const states = tables.get(table);
      const state = states?.get(key);
      if (states === undefined || state === undefined) return undefined;
      states.delete(key);
      states.set(key, state);
      return state;
    },
    remember: (table, fresh) => {
      let states = tables.get(table);
      if (states === undefined) {
        states = new Map();
        tables.set(table, states);
      }
      for (const [key, state] of fresh) {
        states.delete(key);
        states.set(key, state);
      }
      for (const key of states.keys()) {
        if (states.size <= limitPerTable) break;
        states.delete(key);
      }
    },
    retain: (keep) => {
      for (const table of tables.keys()) if (!keep.has(table)) tables.delete(table);
    },
    clear: () => tables.clear(),
  };
};
