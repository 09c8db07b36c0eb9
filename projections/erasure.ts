import { canonicalJson } from '../src/events/canonical-json.js';
import type { ContactForgottenData } from '../src/events/contact-forgotten.js';
import type { EventType } from '../src/events/domain-event.js';
import { redactFields, type PersonalKind, type PersonalObject } from '../src/events/personal-data.js';
import type { Timestamp } from '../src/events/timestamp.js';
import { compareClocks, type Clock, type FieldWrite, type FieldWrites, type Register } from './last-writer-wins.js';
import type { Projection } from './projection.js';

/** What an erasure says of itself: when, why, and which erasure it was. */
type Forgetting = { readonly at: Timestamp; readonly reason: string; readonly erasure_id: string };

/** A state as erasure leaves it: the projection's own, and the latest erasure that reached it. */
export type Erasable<S> = S & { readonly forgotten?: Register<Forgetting> };

/** Where a projection keeps personal data, so that an erasure reaches it. */
export type PersonalData<S> = {
  /** The entities of the projection a contact.forgotten names. */
  readonly keysOf: (forget: ContactForgottenData) => readonly string[];
  /** The state with the personal data of every write at or before `until` erased; the same object if there was none. */
  readonly erase: (state: S, until: Clock) => S;
};

/** A projection of business events alone; withErasure (fold.ts) makes it one of contact.forgotten too. Its view may show the erasure. */
export type BusinessProjection<T extends EventType, S, V> = Omit<Projection<T, S, V>, 'view'> & {
  readonly view: (state: Erasable<S>) => V | null;
};

/** Whether an erasure at `until` covers a write at `clock` (it happened at or before the erasure). */
export const covers = (until: Clock, clock: Clock): boolean => compareClocks(clock, until) <= 0;

/** The writes of an object of that kind with the personal fields of each write at or before `until` erased. */
export const eraseWrites = <K extends PersonalKind>(
  writes: FieldWrites<PersonalObject<K>>,
  kind: K,
  until: Clock,
): FieldWrites<PersonalObject<K>> => {
  let erased: FieldWrite<PersonalObject<K>>[] | undefined;
  writes.forEach((write, index) => {
    if (!covers(until, write)) return;
    const fields = eraseObject(kind, write.fields, write, until);
    if (fields === write.fields) return;
    erased ??= [...writes];
    erased[index] = { micros: write.micros, eventId: write.eventId, fields };
  });
  return erased ?? writes;
};

/**
 * An object of that kind written at `clock`, its personal fields erased if an erasure at `until` covers the write;
 * the same object if nothing changed.
 */
export const eraseObject = <K extends PersonalKind, O extends Partial<PersonalObject<K>>>(kind: K, object: O, clock: Clock, until: Clock): O => {
  if (!covers(until, clock)) return object;
  const erased = { ...object, ...redactFields(kind, object) };
  return canonicalJson(erased) === canonicalJson(object) ? object : erased;
};
