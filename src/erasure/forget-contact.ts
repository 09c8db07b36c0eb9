import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, contentEventId } from '../events/canonical-json.js';
import { CONTACT_FORGOTTEN, ContactForgottenData } from '../events/contact-forgotten.js';
import { isProviderEventType } from '../events/parse-event.js';
import { entityKey, type EntityId } from '../events/entity-id.js';
import { contactIdsOf, REDACTED, redactEventData } from '../events/personal-data.js';
import { toMicros, type Timestamp } from '../events/timestamp.js';
import { toProjectedEvent } from '../runner/fold-events.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { AppendResult, EventRewrite, EventStore, OpenedStore, RecordedEvent } from '../store/event-store.js';
import { ERASURE_RECORDED, ERASURES_STREAM, listErasures, type ErasureRecord } from './erasure-record.js';
import { erasureStreams } from './erasure-scope.js';
import type { ForgetProgress } from './forget-progress.js';
import { KEPT_STREAMS, keptDeliveryNames, redactedKeptData } from './redact-kept-delivery.js';

export type ForgetDeps = {
  readonly store: OpenedStore;
  readonly now: () => Date;
  readonly onProgress?: ((progress: ForgetProgress) => void) | undefined;
};

/** What a forget answers: the erasure (this run's, or the last one when there was nothing left to do). */
export type ForgetOutcome = { readonly status: 'erased' | 'already_erased'; readonly erasure: ErasureRecord; readonly position: number };

/** Rewrites per transaction: each stays short, and a kill loses at most one uncommitted batch (rewritten again next run). */
const BATCH = 500;
/** Shorter values would match unrelated bodies by accident. */
const MIN_VALUE_LENGTH = 4;

/** One forget per contact: its id is also the erasure's id, so running the forget again finds it. */
const erasureIdOf = (key: string): string => contentEventId(CONTACT_FORGOTTEN, { contact: key });

/** microseconds → an ISO-8601 string with six fractional digits. */
const isoMicros = (micros: number): string =>
  `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;

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

/** Rewrites what changed, a batch per transaction, the event loop free between them; counts what was rewritten. */
const rewriteAll = async (store: OpenedStore, stream: string, rewrites: readonly EventRewrite[]): Promise<E.Either<EventStoreError, number>> => {
  let total = 0;
  for (let from = 0; from < rewrites.length; from += BATCH) {
    const done = await store.rewriteEvents(stream, rewrites.slice(from, from + BATCH));
    if (E.isLeft(done)) return done;
    total += done.right;
    await setImmediate();
  }
  return E.right(total);
};

const readWhole = async (store: EventStore, stream: string): Promise<E.Either<EventStoreError, readonly RecordedEvent[]>> => {
  const read = await store.readStream(stream);
  return E.isLeft(read) && read.left.kind === 'stream_not_found' ? E.right([]) : read;
};

/** What reading the person's streams found, and the rewrites they need. */
type Found = {
  /** The id as the events carry it (42, not "42"); undefined when no event names the contact. */
  contactId: EntityId | undefined;
  /** The latest business time among the events of the streams: a forget is dated after it. */
  latest: number;
  /** The last contact.forgotten of the contact's stream, and where it is. */
  forgotten: { readonly data: ContactForgottenData; readonly position: number } | undefined;
  /** The highest position among the events this run has to redact (0: none). */
  redactedUpTo: number;
  rewrites: Map<string, EventRewrite[]>;
  values: Set<string>;
};

/** Reads the person's streams and plans their rewrites (the person's events only are held in memory). */
const readStreams = async (deps: ForgetDeps, key: string, streams: readonly string[], erasureId: string): Promise<E.Either<EventStoreError, Found>> => {
  const found: Found = { contactId: undefined, latest: 0, forgotten: undefined, redactedUpTo: 0, rewrites: new Map(), values: new Set() };
  for (const stream of streams) {
    const read = await readWhole(deps.store, stream);
    if (E.isLeft(read)) return read;
    const rewrites: EventRewrite[] = [];
    for (const recorded of read.right) {
      const projected = toProjectedEvent(recorded);
      const event = E.isRight(projected) ? projected.right?.event : undefined;
      if (event !== undefined) {
        found.latest = Math.max(found.latest, toMicros(event.occurred_at));
        found.contactId ??= contactIdsOf(event).find((id) => entityKey(id) === key);
      }
      const forget = recorded.type === CONTACT_FORGOTTEN ? ContactForgottenData.safeParse(recorded.data) : undefined;
      if (forget?.success === true) found.forgotten = { data: forget.data, position: recorded.position };
      if (!isProviderEventType(recorded.type)) continue;
      const redacted = redactEventData(recorded.type, recorded.data);
      replacedValues(recorded.data, redacted, found.values);
      if (canonicalJson(redacted) === canonicalJson(recorded.data)) continue;
      rewrites.push(marked(recorded, erasureId, redacted));
      found.redactedUpTo = Math.max(found.redactedUpTo, recorded.position);
    }
    found.rewrites.set(stream, rewrites);
    await setImmediate();
  }
  return E.right(found);
};

/** Applies the planned rewrites, stream by stream; counts them per stream. */
const rewriteStreams = async (deps: ForgetDeps, found: Found, counts: Record<string, number>): Promise<E.Either<EventStoreError, void>> => {
  const streams = [...found.rewrites];
  for (const [index, [stream, rewrites]] of streams.entries()) {
    deps.onProgress?.({ phase: 'rewriting', streams_done: index, streams_total: streams.length });
    const done = await rewriteAll(deps.store, stream, rewrites);
    if (E.isLeft(done)) return done;
    if (done.right > 0) counts[stream] = done.right;
  }
  return E.right(undefined);
};

/** Every kept delivery (quarantine, unrecognized) that names one of the streams or holds one of the values, erased. */
const rewriteKept = async (
  deps: ForgetDeps,
  streams: readonly string[],
  found: Found,
  erasureId: string,
  counts: Record<string, number>,
): Promise<E.Either<EventStoreError, void>> => {
  const named = new Set(streams);
  const personal = new Set([...found.values].filter((value) => value.length >= MIN_VALUE_LENGTH && value !== REDACTED));
  for (const stream of KEPT_STREAMS) {
    const read = await readWhole(deps.store, stream);
    if (E.isLeft(read)) return read;
    const rewrites = read.right
      .filter((recorded) => keptDeliveryNames(recorded, named, personal))
      .map((recorded) => ({ recorded, data: redactedKeptData(recorded) }))
      .filter(({ recorded, data }) => canonicalJson(data) !== canonicalJson(recorded.data))
      .map(({ recorded, data }) => marked(recorded, erasureId, data));
    const done = await rewriteAll(deps.store, stream, rewrites);
    if (E.isLeft(done)) return done;
    if (done.right > 0) counts[stream] = done.right;
  }
  return E.right(undefined);
};

/**
 * The contact.forgotten the projections erase by. The first run appends one; a later run appends another, dated
 * after everything, when it had to redact events stored after the last one (the projections had shown them as
 * received: deliveries stored by a version without marks, or after a lift). Its id follows from the forget it
 * repairs, so an interrupted run that is run again appends it once.
 */
const recordForget = async (
  deps: ForgetDeps,
  key: string,
  reason: string,
  streams: readonly string[],
  found: Found & { contactId: EntityId },
): Promise<E.Either<EventStoreError, { readonly data: ContactForgottenData; readonly position: number }>> => {
  const last = found.forgotten;
  if (last !== undefined && found.redactedUpTo < last.position) return E.right(last);
  const erasureId = erasureIdOf(key);
  const ids = (prefix: string) => streams.filter((stream) => stream.startsWith(prefix)).map((stream) => stream.slice(prefix.length));
  const data: ContactForgottenData = {
    contact: { id: found.contactId },
    erasure_id: erasureId,
    reason: last?.data.reason ?? reason,
    // Strictly after every event it erases (ties would fall to the event ids), and not before now.
    forgotten_at: isoMicros(Math.max(found.latest + 1, deps.now().getTime() * 1000)) as Timestamp,
    bookings: ids('booking-'),
    tickets: ids('ticket-'),
  };
  const id = last === undefined ? erasureId : contentEventId(CONTACT_FORGOTTEN, { contact: key, after: last.position });
  const metadata = { received_at: deps.now().toISOString(), channel: 'erasure' };
  const appended = await deps.store.append(`contact-${key}`, [{ id, type: CONTACT_FORGOTTEN, data, metadata }]);
  return E.map((done: AppendResult) => ({ data, position: done.events[0]?.position ?? 0 }))(appended);
};

/**
 * Erases a contact's personal data from the log. First it marks the contact erased in the store, so that from then
 * on every delivery about it, from any process or node, is stored redacted; then it finds the streams that name it
 * (marking the bookings and tickets too), rewrites each of their events with the personal fields redacted, and every
 * kept delivery that names them or holds one of the values; appends contact.forgotten (the projections erase their
 * copies when they apply it), purges the store's files and records the erasure. Each event is rewritten whole or not
 * at all; running it again completes an interrupted run, repairs what an earlier one left, and otherwise changes
 * nothing. Undefined: no event names the contact.
 */
export const forgetContact = async (deps: ForgetDeps, key: string, reason: string): Promise<E.Either<EventStoreError, ForgetOutcome | undefined>> => {
  const { store } = deps;
  const before = await store.erasureMarks();
  if (E.isLeft(before)) return before;
  const own = [`contact-${key}`, `conversation-${key}`];
  const early = await store.markErased(key, own);
  if (E.isLeft(early)) return early;
  const streams = await erasureStreams(store, key, (position) => deps.onProgress?.({ phase: 'scanning', position }));
  if (E.isLeft(streams)) return streams;
  const all = await store.markErased(key, streams.right);
  if (E.isLeft(all)) return all;
  const erasureId = erasureIdOf(key);
  const found = await readStreams(deps, key, streams.right, erasureId);
  if (E.isLeft(found)) return found;
  const { contactId } = found.right;
  if (contactId === undefined) {
    // Nothing to erase: the marks this run set would only surprise whoever sends that contact later.
    return before.right[key] === undefined ? E.map(() => undefined)(await store.liftErased(key)) : E.right(undefined);
  }
  // Recorded before the rewrites, so that a run interrupted after it is resumed with the operator's reason.
  const forget = await recordForget(deps, key, reason, streams.right, { ...found.right, contactId });
  if (E.isLeft(forget)) return forget;
  const counts: Record<string, number> = {};
  const rewritten = await rewriteStreams(deps, found.right, counts);
  if (E.isLeft(rewritten)) return rewritten;
  const kept = await rewriteKept(deps, streams.right, found.right, erasureId, counts);
  if (E.isLeft(kept)) return kept;

  deps.onProgress?.({ phase: 'purging' });
  // Also when there was nothing left to rewrite: a run killed after its rewrites and before its purge left bytes.
  const purged = await store.purgeRewritten();
  if (E.isLeft(purged)) return purged;
  const previous = await listErasures(store);
  if (E.isLeft(previous)) return previous;
  const earlier = previous.right.filter((record) => record.erasure_id === erasureId);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const last = earlier.at(-1);
  if (total === 0 && last !== undefined) return E.right({ status: 'already_erased', erasure: last, position: forget.right.position });
  const erasure: ErasureRecord = {
    erasure_id: erasureId,
    contact_id: contactId,
    reason: forget.right.data.reason,
    forgotten_at: String(forget.right.data.forgotten_at),
    completed_at: deps.now().toISOString(),
    events_rewritten: total,
    streams: counts,
  };
  const recordId = contentEventId(ERASURE_RECORDED, { erasure_id: erasureId, run: earlier.length });
  const recorded = await store.append(ERASURES_STREAM, [{ id: recordId, type: ERASURE_RECORDED, data: erasure, metadata: {} }]);
  if (E.isLeft(recorded)) return recorded;
  return E.right({ status: 'erased', erasure, position: forget.right.position });
};
