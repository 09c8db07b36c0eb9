import * as E from 'fp-ts/lib/Either.js';
import { ContactForgottenData, CONTACT_FORGOTTEN } from '../events/contact-forgotten.js';
import { entityKey } from '../events/entity-id.js';
import { namesContact, redactEventData, REDACTED } from '../events/personal-data.js';
import type { RejectedDelivery, RoutedDelivery } from '../events/route-delivery.js';
import type { EventStore, JsonObject } from '../store/event-store.js';
import { readErasureLog } from './erasure-record.js';
import { contactIdsOf } from './erasure-scope.js';
import { withoutBody } from './redact-kept-delivery.js';

type Routed = RoutedDelivery | RejectedDelivery;

/** What intake stores of a delivery about a forgotten contact. */
export type Redacted = { readonly routed: Routed; readonly metadata: JsonObject };

export type ForgottenContacts = {
  /** An erasure done in this process: redact from now on. */
  readonly add: (forgotten: ContactForgottenData) => void;
  /** A lift done in this process: new deliveries about the contact are stored as received again. */
  readonly lift: (contactKey: string) => void;
  /** The delivery as it must be stored: redacted when it is about a forgotten contact (or one of its bookings, tickets). */
  readonly redact: (routed: Routed, metadata: JsonObject) => Promise<Redacted>;
};

/** How long a server goes without looking for erasures another process (the CLI) recorded. */
const REFRESH_MS = 1000;

const parsedBody = (routed: Routed): unknown => {
  const data = routed.record.data as Record<string, unknown>;
  if (routed.outcome === 'unrecognized') return { event: routed.record.type, data };
  try {
    const text =
      typeof data['body_text'] === 'string'
        ? data['body_text']
        : typeof data['body_base64'] === 'string'
          ? Buffer.from(data['body_base64'], 'base64').toString('utf8')
          : undefined;
    return text === undefined ? undefined : JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
};

/**
 * The contacts forgotten so far, for intake: a new delivery about one of them is stored with its personal data
 * already redacted (same event id, so a provider retry of an old delivery still deduplicates). Known from the
 * erasures stream, looked at again at most once a second as deliveries come in; erasures of this process at once.
 */
export const forgottenContacts = (store: EventStore, now: () => number = () => performance.now()): ForgottenContacts => {
  /** Forgotten contact → the streams whose new events are redacted. */
  const contacts = new Map<string, Set<string>>();
  const streams = new Set<string>();
  let seen = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | undefined;

  const addStream = (key: string, stream: string) => {
    streams.add(stream);
    contacts.get(key)?.add(stream);
  };
  const add = (forgotten: ContactForgottenData) => {
    const key = entityKey(forgotten.contact.id);
    contacts.set(key, contacts.get(key) ?? new Set());
    for (const stream of [`contact-${key}`, `conversation-${key}`]) addStream(key, stream);
    for (const id of forgotten.bookings) addStream(key, `booking-${entityKey(id)}`);
    for (const id of forgotten.tickets) addStream(key, `ticket-${entityKey(id)}`);
  };
  const lift = (key: string) => {
    for (const stream of contacts.get(key) ?? []) streams.delete(stream);
    contacts.delete(key);
  };

  const refresh = async () => {
    const entries = await readErasureLog(store, seen);
    // Unreachable store: the append that follows fails the same way, nothing is stored unredacted.
    if (E.isLeft(entries)) return;
    for (const entry of entries.right) {
      const key = entityKey(entry.record.contact_id);
      if (entry.kind === 'lifted') lift(key);
      else {
        const stream = await store.readStream(`contact-${key}`);
        if (E.isLeft(stream)) return;
        const event = stream.right.find((recorded) => recorded.type === CONTACT_FORGOTTEN);
        const data = ContactForgottenData.safeParse(event?.data);
        if (data.success) add(data.data);
      }
      seen += 1;
    }
  };

  const current = async () => {
    if (now() - checkedAt >= REFRESH_MS) {
      checkedAt = now();
      refreshing ??= refresh().finally(() => (refreshing = undefined));
    }
    await refreshing;
  };

  const covers = (routed: Routed): boolean => {
    if (routed.outcome === 'event') {
      return streams.has(routed.record.stream) || contactIdsOf(routed.event).some((id) => contacts.has(entityKey(id)));
    }
    const body = parsedBody(routed);
    return body !== undefined && [...contacts.keys()].some((key) => namesContact(body, key));
  };

  const redactedRecord = (routed: Routed): Routed => {
    const { record } = routed;
    if (routed.outcome === 'event') {
      return { ...routed, record: { ...record, data: redactEventData(routed.event.type, record.data) } };
    }
    if (routed.outcome === 'unrecognized') return { ...routed, record: { ...record, data: { redacted: REDACTED } } };
    return { ...routed, record: { ...record, data: withoutBody(record.data as Record<string, unknown>) } } as Routed;
  };

  return {
    add,
    lift,
    redact: async (routed, metadata) => {
      await current();
      if (contacts.size === 0 || !covers(routed)) return { routed, metadata };
      // A new booking or ticket of the contact: its later events may not name the contact again.
      if (routed.outcome === 'event') {
        for (const key of contactIdsOf(routed.event).map(entityKey)) if (contacts.has(key)) addStream(key, routed.record.stream);
      }
      return { routed: redactedRecord(routed), metadata: { ...metadata, erased_by: 'intake' } };
    },
  };
};
