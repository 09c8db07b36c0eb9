import * as E from 'fp-ts/lib/Either.js';
import { contentEventId } from '../events/canonical-json.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { OpenedStore } from '../store/event-store.js';
import { ERASURE_LIFTED, ERASURES_STREAM, readErasureLog, type ErasureLift } from './erasure-record.js';

/**
 * Stops redacting new deliveries about a forgotten contact at intake (the contact came back and consented again).
 * What was erased stays erased; new events are dated after the forget, so the projections show them as received.
 * Undefined: the contact was never forgotten, or its redaction is lifted already.
 */
export const liftErasure = async (
  deps: { readonly store: OpenedStore; readonly now: () => Date },
  key: string,
  reason: string,
): Promise<E.Either<EventStoreError, ErasureLift | undefined>> => {
  const log = await readErasureLog(deps.store);
  if (E.isLeft(log)) return log;
  const last = log.right.flatMap((entry) => (entry.kind !== 'applied' && String(entry.record.contact_id) === key ? [entry] : [])).at(-1);
  if (last === undefined || last.kind === 'lifted') return E.right(undefined);
  const lift: ErasureLift = { erasure_id: last.record.erasure_id, contact_id: last.record.contact_id, reason, lifted_at: deps.now().toISOString() };
  const id = contentEventId(ERASURE_LIFTED, { erasure_id: lift.erasure_id, after: log.right.length });
  const appended = await deps.store.append(ERASURES_STREAM, [{ id, type: ERASURE_LIFTED, data: lift, metadata: {} }]);
  if (E.isLeft(appended)) return appended;
  return E.map(() => lift)(await deps.store.liftErased(key));
};
