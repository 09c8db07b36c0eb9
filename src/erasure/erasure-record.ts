import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { EntityId } from '../events/entity-id.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';

/** Every erasure run that changed something is recorded here, in the log itself, so both stores keep the record. */
export const ERASURES_STREAM = 'erasures';
export const ERASURE_RECORDED = 'erasure.completed';
/** An operator lifted the redaction at intake of new deliveries about a forgotten contact. */
export const ERASURE_LIFTED = 'erasure.lifted';

export const ErasureLift = z.object({ erasure_id: z.string(), contact_id: EntityId, reason: z.string(), lifted_at: z.string() });
export type ErasureLift = z.infer<typeof ErasureLift>;

/** A node's runner applied a contact.forgotten and purged its read-model file (purged false: run the forget again). */
export const ERASURE_APPLIED = 'erasure.applied';
export const ErasureApplied = z
  .object({
    erasure_id: z.string(),
    position: z.number().int().describe('of the contact.forgotten applied'),
    node: z.string().describe('the host name of the node'),
    read_model: z.string().describe("the node's read-model file"),
    purged: z.boolean(),
    applied_at: z.string(),
  })
  .meta({ id: 'ErasureApplied' });
export type ErasureApplied = z.infer<typeof ErasureApplied>;

/** The erasures stream in order: each erasure run, each node that applied one, and each lift. */
type ErasureLogEntry =
  | { readonly kind: 'erased'; readonly record: ErasureRecord }
  | { readonly kind: 'applied'; readonly record: ErasureApplied }
  | { readonly kind: 'lifted'; readonly record: ErasureLift };

/** What an erasure did; no personal data (the contact's id, the operator's reason, counts). */
export const ErasureRecord = z
  .object({
    erasure_id: z.string(),
    contact_id: EntityId,
    reason: z.string(),
    forgotten_at: z.string().describe('the business time of the contact.forgotten event'),
    completed_at: z.string(),
    events_rewritten: z.number().int().describe('events of the log rewritten by this run'),
    streams: z.record(z.string(), z.number().int()).describe('events rewritten, per stream'),
  })
  .meta({ id: 'Erasure' });
export type ErasureRecord = z.infer<typeof ErasureRecord>;

/** The erasures stream from a revision on. */
export const readErasureLog = async (store: EventStore, fromRevision = 0): Promise<E.Either<EventStoreError, ErasureLogEntry[]>> => {
  const read = await store.readStream(ERASURES_STREAM, { fromRevision });
  if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right([]) : read;
  return E.right(
    read.right.flatMap((recorded): ErasureLogEntry[] => {
      if (recorded.type === ERASURE_RECORDED) {
        const record = ErasureRecord.safeParse(recorded.data);
        return record.success ? [{ kind: 'erased', record: record.data }] : [];
      }
      if (recorded.type === ERASURE_APPLIED) {
        const record = ErasureApplied.safeParse(recorded.data);
        return record.success ? [{ kind: 'applied', record: record.data }] : [];
      }
      const lift = ErasureLift.safeParse(recorded.data);
      return recorded.type === ERASURE_LIFTED && lift.success ? [{ kind: 'lifted', record: lift.data }] : [];
    }),
  );
};

/** An erasure run and the nodes whose runners have applied that erasure since. */
export const ErasureListing = ErasureRecord.extend({ applied_by: z.array(ErasureApplied) }).meta({ id: 'ErasureListing' });
export type ErasureListing = z.infer<typeof ErasureListing>;

/** Every erasure recorded, oldest first, each with the nodes that applied it. */
export const listErasures = async (store: EventStore): Promise<E.Either<EventStoreError, ErasureListing[]>> => {
  const log = await readErasureLog(store);
  return E.map((entries: ErasureLogEntry[]) => {
    const applied = entries.flatMap((entry) => (entry.kind === 'applied' ? [entry.record] : []));
    return entries.flatMap((entry) =>
      entry.kind === 'erased' ? [{ ...entry.record, applied_by: applied.filter((by) => by.erasure_id === entry.record.erasure_id) }] : [],
    );
  })(log);
};
