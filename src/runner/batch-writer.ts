import { keysTouched } from '../../projections/fold.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModelWrites, StateRow, TargetRows } from '../read-model/read-model-writes.js';
import type { RecordedEvent } from '../store/event-store.js';
import { foldIntoTargets, upcastEvents, type UnprojectableEvent } from './fold-events.js';

/**
 * One target's states: `folding`, those the events since the last commit touched (the fold's states); `stored`,
 * each as its table holds it, kept between commits up to a bound (the least recently committed go first) so that
 * the next batch does not read and parse back what the last one wrote. The stored states stay true to the table
 * because every writer advances its checkpoint by compare-and-set with its rows: while ours succeeds nobody else
 * wrote, and when it fails this writer is dropped.
 */
type TargetStates = { target: ProjectionTarget; readonly states: Map<string, unknown>; readonly stored: Map<string, unknown> };

type BatchWriter = {
  /**
   * Folds events into the states in memory, nothing written yet: the states they need that are neither folded nor
   * stored here are read first, in one call per target. Events at or below a target's checkpoint are skipped.
   */
  readonly fold: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Entity states folded since the last commit: what memory grows with between commits. */
  readonly held: () => number;
  /**
   * Writes every changed state, the events that could not be projected and every checkpoint in ONE transaction
   * (ReadModelWrites.commit) and returns the advanced targets. A failure writes nothing, and leaves this writer
   * unusable: the caller resumes from the checkpoints with a new one.
   */
  readonly commit: (now: string) => Promise<readonly ProjectionTarget[]>;
  readonly targets: () => readonly ProjectionTarget[];
};

/**
 * The events of the log to the rows of the targets, one fold and one commit at a time. Each row is written once per
 * commit however many of the folded events touched it, so a catch-up that commits rarely writes each row rarely.
 */
export const batchWriter = (writes: ReadModelWrites, targets: readonly ProjectionTarget[], storedLimit = 5_000): BatchWriter => {
  const tables: TargetStates[] = targets.map((target) => ({ target, states: new Map(), stored: new Map() }));
  let current = targets;
  let skipped: UnprojectableEvent[] = [];
  let lastPosition = 0;

  const fold = async (events: readonly RecordedEvent[]): Promise<void> => {
    const upcast = upcastEvents(current, events, skipped);
    for (const { target, states, stored } of tables) {
      const missing = new Set<string>();
      for (const event of upcast) {
        if (event.position <= target.position) continue;
        for (const key of keysTouched(target.projection, event.projected)) {
          if (states.has(key)) continue;
          const state = stored.get(key);
          if (state === undefined) missing.add(key);
          else states.set(key, state);
        }
      }
      if (missing.size === 0) continue;
      for (const [key, state] of await writes.loadStates(target, [...missing])) {
        stored.set(key, state);
        states.set(key, state);
      }
    }
    foldIntoTargets(tables, upcast);
    lastPosition = Math.max(lastPosition, events.at(-1)?.position ?? 0);
  };

  const commit = async (now: string): Promise<readonly ProjectionTarget[]> => {
    const changed: TargetRows[] = [];
    for (const { target, states, stored } of tables) {
      // The fold step sets a state only when an event changed it: one still as stored needs no write.
      const rows: StateRow[] = [];
      for (const [key, state] of states) if (state !== stored.get(key)) rows.push({ key, state });
      changed.push({ target, rows, to: lastPosition });
    }
    const advanced = await writes.commit(changed, skipped, now);
    skipped = [];
    current = advanced;
    for (const [i, table] of tables.entries()) {
      table.target = advanced[i] ?? table.target;
      for (const [key, state] of table.states) {
        table.stored.delete(key);
        table.stored.set(key, state);
      }
      table.states.clear();
      for (const key of table.stored.keys()) {
        if (table.stored.size <= storedLimit) break;
        table.stored.delete(key);
      }
    }
    return advanced;
  };

  return {
    fold,
    held: () => tables.reduce((sum, t) => sum + t.states.size, 0),
    commit,
    targets: () => current,
  };
};
