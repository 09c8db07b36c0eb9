import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from '../events/canonical-json.js';
import { CONTACT_FORGOTTEN, type ContactForgottenData } from '../events/contact-forgotten.js';
import { isProviderEventType } from '../events/domain-event.js';
import { contentEventId } from '../events/event-id.js';
import { REDACTED, redactEventData } from '../events/personal-data.js';
import { toMicros, type Timestamp } from '../events/timestamp.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventRewrite, EventStore, RecordedEvent } from '../store/event-store.js';
import { ERASURE_RECORDED, ERASURES_STREAM, listErasures, type ErasureRecord } from './erasure-record.js';
import { erasureScope, type ErasureScope } from './erasure-scope.js';
import { KEPT_STREAMS, keptDeliveryNames, redactedKeptData } from './redact-kept-delivery.js';

export type ForgetDeps = {
  readonly store: EventStore;
  readonly now: () => Date;
  /** Told as soon as the forget is in the log, before the rewrite: intake redacts from then on. */
  readonly onForgotten?: ((forgotten: ContactForgottenData) => void) | undefined;
};

/** What a forget answers: the erasure (this run's, or the last one when there was nothing left to do). */
export type ForgetOutcome = { readonly status: 'erased' | 'already_erased'; readonly erasure: ErasureRecord; readonly position: number };

/** Rewrites per transaction: each stays short, and a kill loses at most one uncommitted batch (rewritten again next run). */
const BATCH = 500;
/** Shorter values would match unrelated bodies by accident. */
const MIN_VALUE_LENGTH = 4;

/** One forget per contact: its id is also the erasure's id, so running the forget again finds it. */
export const erasureIdOf = (key: string): string => contentEventId(CONTACT_FORGOTTEN, { contact: key });

/** microseconds → an ISO-8601 string with six fractional digits. */
const isoMicros = (micros: number): string =>
  `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;

/** Strictly after every event it erases (ties would fall to the event ids), and not before now. */
const forgottenAt = (scope: ErasureScope, now: Date): Timestamp => {
  const after = scope.latest === undefined ? 0 : toMicros(scope.latest) + 1;
  return isoMicros(Math.max(after, now.getTime() * 1000));
};

/** The personal values a rewrite replaced, to recognise them in kept deliveries. */
const replacedValues = (original: unknown, redacted: unknown, into: Set<string>): void => {
  if (redacted === REDACTED && original !== REDACTED) {
    const leaves = [original];
    while (leaves.length > 0) {
      const leaf = leaves.pop();
      if (typeof leaf === 'string' || typeof leaf === 'number') into.add(String(leaf));
      else if (typeof leaf === 'object' && leaf !== null) leaves.push(...Object.values(leaf));
    }
  } else if (typeof original === 'object' && original !== null && typeof redacted === 'object' && redacted !== null) {
    for (const [field, value] of Object.entries(original)) replacedValues(value, (redacted as Record<string, unknown>)[field], into);
  }
};

const marked = (recorded: RecordedEvent, erasureId: string, data: unknown): EventRewrite => ({
  id: recorded.id,
  data,
  metadata: { ...recorded.metadata, erased_by: erasureId },
});

/** Rewrites what changed, a batch per transaction; counts what was rewritten. */
const rewriteAll = async (store: EventStore, stream: string, rewrites: readonly EventRewrite[]): Promise<E.Either<EventStoreError, number>> => {
  let total = 0;
  for (let from = 0; from < rewrites.length; from += BATCH) {
    const done = await store.rewriteEvents(stream, rewrites.slice(from, from + BATCH));
    if (E.isLeft(done)) return done;
    total += done.right;
  }
  return E.right(total);
};

const readWhole = async (store: EventStore, stream: string): Promise<E.Either<EventStoreError, readonly RecordedEvent[]>> => {
  const read = await store.readStream(stream);
  return E.isLeft(read) && read.left.kind === 'stream_not_found' ? E.right([]) : read;
};

/** The forget event, appended once (its id is the erasure's); a second run reads back the first one's. */
const recordForget = async (
  deps: ForgetDeps,
  key: string,
  reason: string,
  scope: ErasureScope,
): Promise<E.Either<EventStoreError, { data: ContactForgottenData; position: number }>> => {
  const erasureId = erasureIdOf(key);
  const data: ContactForgottenData = scope.forgotten ?? {
    contact: { id: scope.contactId },
    erasure_id: erasureId,
    reason,
    forgotten_at: forgottenAt(scope, deps.now()),
    bookings: [...scope.bookings],
    tickets: [...scope.tickets],
  };
  const metadata = { received_at: deps.now().toISOString(), channel: 'erasure' };
  const appended = await deps.store.append(`contact-${key}`, [{ id: erasureId, type: CONTACT_FORGOTTEN, data, metadata }]);
  if (E.isLeft(appended)) return appended;
  return E.right({ data, position: appended.right.events[0]?.position ?? 0 });
};

/**
 * Erases a contact's personal data from the log: appends contact.forgotten to its stream (the projections erase
 * their copies when they apply it), rewrites every event of its streams with the personal fields redacted, then
 * every kept delivery (quarantine, unrecognized) that names it or contains one of its values, records the erasure
 * and purges the store's files. Each event is rewritten whole or not at all; running it again completes an
 * interrupted run and otherwise changes nothing. Undefined: no event names the contact.
 */
export const forgetContact = async (deps: ForgetDeps, key: string, reason: string): Promise<E.Either<EventStoreError, ForgetOutcome | undefined>> => {
  const { store } = deps;
  const scope = await erasureScope(store, key);
  if (E.isLeft(scope) || scope.right === undefined) return scope as E.Either<EventStoreError, undefined>;
  const forget = await recordForget(deps, key, reason, scope.right);
  if (E.isLeft(forget)) return forget;
  const { data } = forget.right;
  deps.onForgotten?.(data);

  const counts: Record<string, number> = {};
  const values = new Set<string>();
  for (const stream of scope.right.streams) {
    const read = await readWhole(store, stream);
    if (E.isLeft(read)) return read;
    const rewrites = read.right.flatMap((recorded) => {
      if (!isProviderEventType(recorded.type)) return [];
      const redacted = redactEventData(recorded.type, recorded.data);
      replacedValues(recorded.data, redacted, values);
      return canonicalJson(redacted) === canonicalJson(recorded.data) ? [] : [marked(recorded, data.erasure_id, redacted)];
    });
    const done = await rewriteAll(store, stream, rewrites);
    if (E.isLeft(done)) return done;
    if (done.right > 0) counts[stream] = done.right;
  }
  const personal = new Set([...values].filter((value) => value.length >= MIN_VALUE_LENGTH && value !== REDACTED));
  for (const stream of KEPT_STREAMS) {
    const read = await readWhole(store, stream);
    if (E.isLeft(read)) return read;
    const rewrites = read.right
      .filter((recorded) => keptDeliveryNames(recorded, key, personal))
      .map((recorded) => ({ recorded, data: redactedKeptData(recorded) }))
      .filter(({ recorded, data: redacted }) => canonicalJson(redacted) !== canonicalJson(recorded.data))
      .map(({ recorded, data: redacted }) => marked(recorded, data.erasure_id, redacted));
    const done = await rewriteAll(store, stream, rewrites);
    if (E.isLeft(done)) return done;
    if (done.right > 0) counts[stream] = done.right;
  }

  // Also when there was nothing left to rewrite: a run killed after its rewrites and before its purge left bytes.
  const purged = await store.purgeRewritten();
  if (E.isLeft(purged)) return purged;
  const previous = await listErasures(store);
  if (E.isLeft(previous)) return previous;
  const earlier = previous.right.filter((record) => record.erasure_id === data.erasure_id);
  const rewritten = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const last = earlier.at(-1);
  if (rewritten === 0 && last !== undefined) return E.right({ status: 'already_erased', erasure: last, position: forget.right.position });
  const erasure: ErasureRecord = {
    erasure_id: data.erasure_id,
    contact_id: data.contact.id,
    reason: data.reason,
    forgotten_at: String(data.forgotten_at),
    completed_at: deps.now().toISOString(),
    events_rewritten: rewritten,
    streams: counts,
  };
  const recordId = contentEventId(ERASURE_RECORDED, { erasure_id: data.erasure_id, run: earlier.length });
  const recorded = await store.append(ERASURES_STREAM, [{ id: recordId, type: ERASURE_RECORDED, data: erasure, metadata: {} }]);
  if (E.isLeft(recorded)) return recorded;
  return E.right({ status: 'erased', erasure, position: forget.right.position });
};
