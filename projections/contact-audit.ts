import { canonicalJson } from '../src/events/canonical-json.js';
import type { ContactEvent, ContactForgotten, DomainEvent } from '../src/events/domain-event.js';
import type { Timestamp } from '../src/events/timestamp.js';
import type { ContactView } from './contact-view.js';
import { contactsProjection } from './contacts.js';
import { evolveEntities } from './fold.js';
import { clockOf, compareClocks } from './last-writer-wins.js';
import type { ProjectedEvent } from './projection.js';

/** One event of a contact's own stream, with the delivery facts from its metadata that its audit entry shows. */
export type AuditedEvent = ProjectedEvent & { readonly received_at: string | null; readonly delivery_id: string | null };

export type FieldChange = { readonly field: string; readonly from: unknown; readonly to: unknown };

export type AuditEntry = {
  readonly event: ContactEvent['type'] | 'contact.forgotten';
  readonly event_id: string;
  readonly occurred_at: Timestamp;
  readonly received_at: string | null;
  readonly delivery_id: string | null;
  readonly changes: FieldChange[];
};

type AuditedContactEvent = AuditedEvent & { readonly event: ContactEvent | ContactForgotten };

/** The contact's own stream: the provider's events, and an erasure's contact.forgotten. */
const CONTACT_EVENTS: ReadonlySet<DomainEvent['type']> = new Set(['contact.created', 'contact.updated', 'contact.deleted', 'contact.forgotten']);

export const isContactEvent = (audited: AuditedEvent): audited is AuditedContactEvent => CONTACT_EVENTS.has(audited.event.type);

/** Flags computed from the fields rather than fields themselves: `deleted_at` already says what `deleted` says. */
const FLAGS = new Set(['deleted', 'partial']);

const valueOf = (view: ContactView | null, field: string): unknown =>
  view !== null && Object.hasOwn(view, field) ? (view[field] ?? null) : null;

/** The fields whose value differs (deep, by canonical JSON); a field nothing was known of counts as null. */
const changesBetween = (before: ContactView | null, after: ContactView | null): FieldChange[] =>
  Object.keys(after ?? {})
    .filter((field) => !FLAGS.has(field))
    .map((field) => ({ field, from: valueOf(before, field), to: valueOf(after, field) }))
    .filter((change) => canonicalJson(change.from) !== canonicalJson(change.to));

/** A trail being folded, one event at a time in business-time order, over the contact's state so far. */
export type AuditFold = {
  /** The event's entry, diffed against the state before it; undefined for an event of another kind. */
  readonly entry: (audited: AuditedEvent) => AuditEntry | undefined;
  /** Folds the event in without an entry: one that comes before the entries asked for. */
  readonly skip: (audited: AuditedEvent) => void;
};

/**
 * The state is the contacts projection's own, so an entry shows what that event changed in the contact as the API
 * shows it: a deletion's stale copy of a field does not override what a created/updated event set, and a late
 * delivery takes its business-time place, with the entries after it diffed against it.
 */
export const auditFold = (contactKey: string): AuditFold => {
  const states = new Map<string, ReturnType<typeof contactsProjection.initial>>();
  const viewNow = () => contactsProjection.view(states.get(contactKey) ?? contactsProjection.initial(contactKey));
  const foldIn = (audited: AuditedContactEvent) => evolveEntities(contactsProjection, states, audited, (key) => key === contactKey);
  return {
    entry: (audited) => {
      if (!isContactEvent(audited)) return undefined;
      const before = viewNow();
      foldIn(audited);
      return {
        event: audited.event.type,
        event_id: audited.id,
        occurred_at: audited.event.occurred_at,
        received_at: audited.received_at,
        delivery_id: audited.delivery_id,
        changes: changesBetween(before, viewNow()),
      };
    },
    skip: (audited) => {
      if (isContactEvent(audited)) foldIn(audited);
    },
  };
};

/**
 * The contact's whole history as field changes: its own contact.* events folded in business-time order (ties: event
 * id, the order last-writer-wins uses), each diffed against the state before it.
 */
export const contactAudit = (contactKey: string, events: readonly AuditedEvent[]): AuditEntry[] => {
  const fold = auditFold(contactKey);
  return [...events].sort((a, b) => compareClocks(clockOf(a), clockOf(b))).flatMap((audited) => fold.entry(audited) ?? []);
};
