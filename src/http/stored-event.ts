import type { RecordedEvent } from '../store/event-store.js';

/** A stored event as the API answers it (StoredEvent), its names snake_case. */
export const storedEvent = ({ recordedAt, ...event }: RecordedEvent) => ({ ...event, recorded_at: recordedAt });
