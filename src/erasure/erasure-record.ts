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

/** The erasures stream in order: each erasure run, and each lift. */
export type ErasureLogEntry = { readonly kind: 'erased'; readonly record: ErasureRecord } | { readonly kind: 'lifted'; readonly record: ErasureLift };

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
      const lift = ErasureLift.safeParse(recorded.data);
      return recorded.type === ERASURE_LIFTED && lift.success ? [{ kind: 'lifted', record: lift.data }] : [];
    }),
  );
};

/** Every erasure recorded, oldest first. */
export const listErasures = async (store: EventStore): Promise<E.Either<EventStoreError, ErasureRecord[]>> => {
  const log = await readErasureLog(store);
  return E.map((entries: ErasureLogEntry[]) => entries.flatMap((entry) => (entry.kind === 'erased' ? [entry.record] : [])))(log);
};
