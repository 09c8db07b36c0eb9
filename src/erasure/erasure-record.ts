import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { EntityId } from '../events/entity-id.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';

/** Every erasure run that changed something is recorded here, in the log itself, so both stores keep the record. */
export const ERASURES_STREAM = 'erasures';
export const ERASURE_RECORDED = 'erasure.completed';

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

/** Every erasure recorded, oldest first. */
export const listErasures = async (store: EventStore): Promise<E.Either<EventStoreError, ErasureRecord[]>> => {
  const read = await store.readStream(ERASURES_STREAM);
  if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right([]) : read;
  return E.right(
    read.right.flatMap((recorded) => {
      const record = ErasureRecord.safeParse(recorded.data);
      return recorded.type === ERASURE_RECORDED && record.success ? [record.data] : [];
    }),
  );
};
