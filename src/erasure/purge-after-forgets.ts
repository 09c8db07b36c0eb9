import { hostname } from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import { CONTACT_FORGOTTEN, ContactForgottenData } from '../events/contact-forgotten.js';
import { contentEventId } from '../events/canonical-json.js';
import type { ReadModel } from '../read-model/read-model.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { ERASURE_APPLIED, ERASURES_STREAM, type ErasureApplied } from './erasure-record.js';

type PurgeDeps = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly now: () => Date;
  readonly log: { warn: (fields: object, message: string) => void };
};

/**
 * What a node's runner does once it has committed a batch with a contact.forgotten in it, whoever ran the forget
 * (this node, another one, the CLI): purge its own read-model file, and record in the log that it did, so that the
 * erasure's record shows which nodes have applied it.
 */
export const purgeAfterForgets =
  (deps: PurgeDeps) =>
  async (events: readonly RecordedEvent[]): Promise<void> => {
    const forgets = events.filter((event) => event.type === CONTACT_FORGOTTEN);
    if (forgets.length === 0) return;
    const purged = await deps.readModel.purge();
    const node = hostname();
    const records = forgets.flatMap((forget) => {
      const data = ContactForgottenData.safeParse(forget.data);
      if (!data.success) return [];
      const applied: ErasureApplied = {
        erasure_id: data.data.erasure_id,
        position: forget.position,
        node,
        read_model: deps.readModel.location,
        purged,
        applied_at: deps.now().toISOString(),
      };
      // The same node applying the same forget again (a restart before this record) records it once.
      const id = contentEventId(ERASURE_APPLIED, { forget: forget.id, node, read_model: deps.readModel.location });
      return [{ id, type: ERASURE_APPLIED, data: applied, metadata: {} }];
    });
    const recorded = await deps.store.append(ERASURES_STREAM, records);
    if (!purged || E.isLeft(recorded)) {
      const reason = E.isLeft(recorded) ? describeEventStoreError(recorded.left) : 'the WAL was in use';
      deps.log.warn({ reason, erasures: records.map((record) => record.data.erasure_id) }, 'erasure applied, but not purged or not recorded; run the forget again');
    }
  };
