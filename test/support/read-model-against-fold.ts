import * as E from 'fp-ts/lib/Either.js';
import { foldEvents } from '../../projections/fold.js';
import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import { projections as registered } from '../../projections/registry.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { toProjectedEvent } from '../../src/runner/fold-events.js';
import type { EventStore } from '../../src/store/event-store.js';

/** Where a read model's state of an entity is not what folding the whole log gives. */
export type FoldDifference = { readonly projection: string; readonly key: string; readonly stored: unknown; readonly folded: unknown };

/**
 * Every entity the log's events make, in each live table of the read model, compared with the fold of the whole log
 * in memory, through the ports only: what a node's read model must hold once it has applied the log.
 */
export const differencesFromFold = async (
  log: EventStore,
  readModel: ReadModel,
  projections: readonly Projection[] = registered,
): Promise<{ readonly compared: number; readonly differences: FoldDifference[] }> => {
  const events: ProjectedEvent[] = [];
  for await (const recorded of log.readAll()) {
    const projected = toProjectedEvent(recorded);
    if (E.isRight(projected) && projected.right !== undefined) events.push(projected.right);
  }
  const differences: FoldDifference[] = [];
  let compared = 0;
  for (const target of await readModel.catalog.liveTargets(projections)) {
    const folded = foldEvents(target.projection, events);
    const stored = await readModel.writes.loadStates(target, [...folded.keys()]);
    for (const [key, state] of folded) {
      compared += 1;
      // As the table holds it: JSON.
      const expected: unknown = JSON.parse(JSON.stringify(state));
      if (JSON.stringify(stored.get(key)) !== JSON.stringify(expected)) differences.push({ projection: target.projection.name, key, stored: stored.get(key), folded: expected });
    }
  }
  return { compared, differences };
};
