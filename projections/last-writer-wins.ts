import { canonicalJson } from '../src/events/canonical-json.js';
import { toMicros, type Timestamp } from '../src/events/timestamp.js';
import type { ProjectedEvent } from './projection.js';

/** When a write happened: business time in microseconds, then the event id to order writes of the same instant. */
export type Clock = { readonly micros: number; readonly eventId: string };

/** One field's value and the write that put it there. */
export type Register<V> = Clock & { readonly value: V };

/**
 * The fields of an object of type `O` (an event's contact, ticket, message), each in its register, typed as the
 * object's schema types it. Plain JSON, so it survives the runner's round trip through SQLite.
 */
export type Registers<O> = { readonly [F in keyof O]?: Register<O[F]> };

/** A private copy of registers, being written. */
export type Written<O> = { -readonly [F in keyof O]?: Register<O[F]> };

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

/**
 * A total order on writes: of `value` at `clock`, and of a register's. Two writes share a clock only when one event
 * id carries two business times (a payload without its own time falls back to the envelope's, which a retry
 * changes); the value then decides, so that the outcome never depends on which copy came first. The value is apart
 * from its clock so that a write is compared before (and without) being made a register.
 */
const compareWrites = <V>(clock: Clock, value: V, register: Register<V>): number => {
  if (clock.micros !== register.micros) return clock.micros < register.micros ? -1 : 1;
  if (clock.eventId !== register.eventId) return clock.eventId < register.eventId ? -1 : 1;
  return compareText(canonicalJson(value), canonicalJson(register.value));
};

export const latest = <V>(current: Register<V> | undefined, candidate: Register<V>): Register<V> =>
  current === undefined || compareWrites(candidate, candidate.value, current) > 0 ? candidate : current;

export const earliest = <V>(current: Register<V> | null, candidate: Register<V>): Register<V> =>
  current === null || compareWrites(candidate, candidate.value, current) < 0 ? candidate : current;

export const registerOf = <O, F extends keyof O>(registers: Registers<O>, field: F): Register<O[F]> | undefined =>
  Object.hasOwn(registers, field) ? registers[field] : undefined;

/** What a write takes besides the payload: a field of it not to write, and fields the event implies. */
type WriteOptions<O> = {
  readonly except?: keyof O;
  /** Written instead of the payload's fields of the same name. */
  readonly implied?: Partial<O>;
};

/**
 * Writes every field the payload carries (absent = unchanged, null = set to null) but `except`, then the implied
 * ones; the same object if none won. It runs for every field of every event, so it is one loop that copies the
 * registers once, and only when a field wins, and it takes the payload as it is rather than a copy of it with
 * fields removed or added.
 */
export const writeFields = <O extends object>(registers: Registers<O>, fields: O, clock: Clock, { except, implied }: WriteOptions<O> = {}): Registers<O> => {
  let written: Written<O> | undefined;
  for (const source of implied === undefined ? [fields] : [fields, implied]) {
    for (const field in source) {
      const value = source[field];
      // Intake never stores a __proto__ key; were one read back, assigning it would replace the copy's prototype.
      if (value === undefined || field === '__proto__' || field === except) continue;
      if (source === fields && implied !== undefined && Object.hasOwn(implied, field)) continue;
      const current = Object.hasOwn(registers, field) ? registers[field] : undefined;
      if (current !== undefined && compareWrites(clock, value, current) <= 0) continue;
      written ??= { ...registers };
      written[field] = { micros: clock.micros, eventId: clock.eventId, value };
    }
  }
  return written ?? registers;
};

/** The state with the patch applied, or the state itself when the patch changes nothing (cheap duplicate detection). */
export const revise = <S extends object>(state: S, patch: Partial<S>): S => {
  for (const field in patch) if (patch[field] !== state[field]) return { ...state, ...patch };
  return state;
};

/** The value of each field that has one. */
export const valuesOf = <O extends object>(registers: Registers<O>): Partial<O> => {
  const values: Partial<O> = {};
  for (const field in registers) {
    const register = registers[field];
    if (register !== undefined) values[field] = register.value;
  }
  return values;
};
