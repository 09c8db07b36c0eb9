import * as E from 'fp-ts/lib/Either.js';
import type { AuditedEvent } from '../../projections/contact-audit.js';
import { toProjectedEvent } from '../runner/fold-events.js';
import type { RecordedEvent } from '../store/event-store.js';

/** A stored event read as the projections read it, with its place in its stream and the facts of its delivery. */
export type HistoricEvent = AuditedEvent & { readonly revision: number };

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The stream's events through the same upcaster as the runner. An event the current schemas cannot read is left
 * out, as the runner leaves it out of every read model (it records it as skipped), so history and state agree.
 */
export const historicEvents = (recorded: readonly RecordedEvent[]): HistoricEvent[] =>
  recorded.flatMap((stored) => {
    const projected = toProjectedEvent(stored);
    if (E.isLeft(projected) || projected.right === undefined) return [];
    const { received_at: receivedAt, delivery_id: deliveryId } = stored.metadata;
    return [{ ...projected.right, revision: stored.revision, received_at: text(receivedAt), delivery_id: text(deliveryId) }];
  });
