import { canonicalJson } from '../src/events/canonical-json.js';
import { toMicros, type Timestamp } from '../src/events/timestamp.js';
import type { ProjectedEvent } from './projection.js';

/** When a write happened: business time in microseconds, then the event id to order writes of the same instant. */
export type Clock = { readonly micros: number; readonly eventId: string };

/** One value and the write that put it there: a tombstone, an erasure. */
export type Register<V> = Clock & { readonly value: V };

/** One write of an object's fields (an event's contact, ticket, message): the fields it set, as received, at its clock. */
export type FieldWrite<O> = Clock & { readonly fields: Partial<O> };

/**
 * An object's fields as written, newest write first, no two writes at one clock. A field's value is the newest
 * write's that sets it; a write none of whose fields show any more (newer writes set them all) is dropped. One
 * clock per write rather than per field: an event that writes ten fields is one entry, its payload kept as it came
 * (shared, never copied, when there is nothing to leave out or add). Plain JSON, so it survives the runner's round
 * trip through the read model's storage.
 */
export type FieldWrites<O> = readonly FieldWrite<O>[];

/** Business time in microseconds, kept finite: states are stored as JSON, which has no NaN or Infinity. */
export const micros = (timestamp: Timestamp): number => {
  const value = toMicros(timestamp);
  return Number.isNaN(value) ? 0 : Math.min(value, Number.MAX_VALUE);
};

export const clockOf = ({ id, micros }: Pick<ProjectedEvent, 'id' | 'micros'>): Clock => ({ micros, eventId: id });

/** Plain code-unit order: the same in every locale and runtime. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const compareNumbers = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

export const compareClocks = (a: Clock, b: Clock): number =>
  compareNumbers(a.micros, b.micros) || compareText(a.eventId, b.eventId);

/** A total order on one value's writes (see writeFields); the value decides between two writes at one clock. */
const compareWrites = <V>(clock: Clock, value: V, register: Register<V>): number =>
  compareClocks(clock, register) || compareText(canonicalJson(value), canonicalJson(register.value));

export const latest = <V>(current: Register<V> | undefined, candidate: Register<V>): Register<V> =>
  current === undefined || compareWrites(candidate, candidate.value, current) > 0 ? candidate : current;

export const earliest = <V>(current: Register<V> | null, candidate: Register<V>): Register<V> =>
  current === null || compareWrites(candidate, candidate.value, current) < 0 ? candidate : current;

/** What a write takes besides the payload: a field of it not to write, and fields the event implies. */
type WriteOptions<O> = {
  readonly except?: keyof O;
  /** Written instead of the payload's fields of the same name. */
  readonly implied?: Partial<O>;
};

const PROTO = '__proto__';

const sets = <O>(fields: Partial<O>, field: string): boolean => Object.hasOwn(fields, field) && fields[field as keyof O] !== undefined;

/**
 * The fields a write sets: the payload itself when it holds nothing to leave out and nothing is implied. Intake
 * never stores a __proto__ key; were one read back, it is left out here so that no copy's prototype is replaced.
 */
const writtenFields = <O extends object>(fields: O, { except, implied }: WriteOptions<O>): Partial<O> => {
  const dropExcept = except !== undefined && Object.hasOwn(fields, except);
  const dropProto = Object.hasOwn(fields, PROTO);
  if (!dropExcept && !dropProto && implied === undefined) return fields;
  const written: Partial<O> = { ...fields };
  if (implied !== undefined) for (const field in implied) if (implied[field] !== undefined) written[field] = implied[field];
  // Only when there: a delete turns the object into a slow dictionary.
  if (dropExcept) delete written[except];
  if (dropProto) delete (written as Record<string, unknown>)[PROTO];
  return written;
};

/** Whether every field the write sets is set by one of the writes before index `end` (true for a write of none). */
const shadowed = <O>(write: Partial<O>, writes: FieldWrites<O>, end: number): boolean => {
  for (const field in write) {
    if (write[field] === undefined) continue;
    let set = false;
    for (let i = 0; i < end && !set; i++) set = sets((writes[i] as FieldWrite<O>).fields, field);
    if (!set) return false;
  }
  return true;
};

/**
 * Two writes at one clock (one event id carrying two business times: a payload without its own time falls back to
 * the envelope's, which a retry changes): each field takes the greater value, so that the outcome never depends on
 * which copy came first. Undefined when the merge is the write already there.
 */
const mergedAtOneClock = <O extends object>(there: FieldWrite<O>, fields: Partial<O>): FieldWrite<O> | undefined => {
  let merged: Partial<O> | undefined;
  for (const field in fields) {
    const value = fields[field];
    if (value === undefined) continue;
    if (sets(there.fields, field) && compareText(canonicalJson(value), canonicalJson(there.fields[field])) <= 0) continue;
    merged ??= { ...there.fields };
    merged[field] = value;
  }
  return merged === undefined ? undefined : { micros: there.micros, eventId: there.eventId, fields: merged };
};

/**
 * The writes with one more: every field the payload carries (absent = unchanged, null = set to null) but `except`,
 * and the implied ones. The same array when it changes no field's value (a duplicate, or a write older than writes
 * of all its fields). Last writer wins per field, by business time, then event id.
 */
export const writeFields = <O extends object>(writes: FieldWrites<O>, payload: O, clock: Clock, options: WriteOptions<O> = {}): FieldWrites<O> => {
  const fields = writtenFields(payload, options);
  let at = 0;
  while (at < writes.length && compareClocks(writes[at] as Clock, clock) > 0) at++;
  const there = writes[at];
  let write: FieldWrite<O>;
  let from = at;
  if (there !== undefined && compareClocks(there, clock) === 0) {
    const merged = mergedAtOneClock(there, fields);
    if (merged === undefined) return writes;
    write = merged;
    from = at + 1;
  } else {
    if (shadowed(fields, writes, at)) return writes;
    write = { micros: clock.micros, eventId: clock.eventId, fields };
  }
  const next: FieldWrite<O>[] = writes.slice(0, at);
  next.push(write);
  for (let i = from; i < writes.length; i++) {
    const older = writes[i] as FieldWrite<O>;
    if (!shadowed(older.fields, next, next.length)) next.push(older);
  }
  return next;
};

/** The value of each field that has one. */
export const valuesOf = <O extends object>(writes: FieldWrites<O>): Partial<O> => {
  const values: Partial<O> = {};
  for (let i = writes.length - 1; i >= 0; i--) {
    const { fields } = writes[i] as FieldWrite<O>;
    for (const field in fields) if (fields[field] !== undefined && field !== PROTO) values[field] = fields[field];
  }
  return values;
};

/** The state with the patch applied, or the state itself when the patch changes nothing (cheap duplicate detection). */
export const revise = <S extends object>(state: S, patch: Partial<S>): S => {
  for (const field in patch) if (patch[field] !== state[field]) return { ...state, ...patch };
  return state;
};
