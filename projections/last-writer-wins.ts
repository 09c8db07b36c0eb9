import { canonicalJson } from '../src/events/canonical-json.js';
import { toMicros, type Timestamp } from '../src/events/timestamp.js';
import type { ProjectedEvent } from './projection.js';

/** When a write happened: business time in microseconds, then the event id to order writes of the same instant. */
export type Clock = { readonly micros: number; readonly eventId: string };

/** One field's value and the write that put it there. */
export type Register = Clock & { readonly value: unknown };

/** Field name → its register. Plain JSON, so it survives the runner's round trip through SQLite. */
export type Registers = { readonly [field: string]: Register };

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
const compareWrites = (clock: Clock, value: unknown, register: Register): number =>
  compareClocks(clock, register) || compareText(canonicalJson(value), canonicalJson(register.value));

export const latest = (current: Register | null | undefined, candidate: Register): Register =>
  current == null || compareWrites(candidate, candidate.value, current) > 0 ? candidate : current;

export const earliest = (current: Register | null | undefined, candidate: Register): Register =>
  current == null || compareWrites(candidate, candidate.value, current) < 0 ? candidate : current;

export const registerOf = (registers: Registers, field: string): Register | undefined =>
  Object.hasOwn(registers, field) ? registers[field] : undefined;

/**
 * Writes one field (absent = unchanged, null = set to null) into `written`, the registers' private copy, made on the
 * first field that wins; returns the copy, or undefined while none won.
 */
const writeField = (
  registers: Registers,
  written: Record<string, Register> | undefined,
  field: string,
  value: unknown,
  clock: Clock,
): Record<string, Register> | undefined => {
  // Intake never stores a __proto__ key; were one read back, assigning it would replace the copy's prototype.
  if (value === undefined || field === '__proto__') return written;
  const current = registerOf(registers, field);
  if (current !== undefined && compareWrites(clock, value, current) <= 0) return written;
  const copy = written ?? { ...registers };
  copy[field] = { micros: clock.micros, eventId: clock.eventId, value };
  return copy;
};

/** What a write takes besides the payload: a field of it not to write, and fields the event implies. */
type WriteOptions = {
  readonly except?: string;
  /** Written instead of the payload's fields of the same name. */
  readonly implied?: Readonly<Record<string, unknown>>;
};

/**
 * Writes every field the payload carries but `except`, then the implied ones; the same object if none won. It runs
 * for every field of every event, so it copies the registers once, and only when a field wins, and it takes the
 * payload as it is rather than a copy of it with fields removed or added.
 */
export const writeFields = (
  registers: Registers,
  fields: Readonly<Record<string, unknown>>,
  clock: Clock,
  { except, implied }: WriteOptions = {},
): Registers => {
  let written: Record<string, Register> | undefined;
  for (const field in fields) {
    if (field === except || (implied !== undefined && Object.hasOwn(implied, field))) continue;
    written = writeField(registers, written, field, fields[field], clock);
  }
  for (const field in implied) written = writeField(registers, written, field, implied[field], clock);
  return written ?? registers;
};

export const valuesOf = (registers: Registers): Record<string, unknown> =>
  Object.fromEntries(Object.entries(registers).map(([field, register]) => [field, register.value]));
