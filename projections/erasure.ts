import { canonicalJson } from '../src/events/canonical-json.js';
import { CONTACT_FORGOTTEN, type ContactForgottenData } from '../src/events/contact-forgotten.js';
import type { EventType } from '../src/events/domain-event.js';
import { isPersonalField, redactFields, redactValue, type PersonalKind, type PersonalObject } from '../src/events/personal-data.js';
import { redactEvent } from '../src/events/redact-event.js';
import type { Timestamp } from '../src/events/timestamp.js';
import { clockOf, compareClocks, latest, type Clock, type Register, type Registers, type Written } from './last-writer-wins.js';
import type { ProjectedEvent, Projection } from './projection.js';

type Forget = typeof CONTACT_FORGOTTEN;

/** What an erasure says of itself: when, why, and which erasure it was. */
type Forgetting = { readonly at: Timestamp; readonly reason: string; readonly erasure_id: string };

/** A state as erasure leaves it: the projection's own, and the latest erasure that reached it. */
export type Erasable<S> = S & { readonly forgotten?: Register<Forgetting> };

/** Where a projection keeps personal data, so that an erasure reaches it. */
type PersonalData<S> = {
  /** The entities of the projection a contact.forgotten names. */
  readonly keysOf: (forget: ContactForgottenData) => readonly string[];
  /** The state with the personal data of every write at or before `until` erased; the same object if there was none. */
  readonly erase: (state: S, until: Clock) => S;
};

/** A projection of business events alone; withErasure makes it one of contact.forgotten too. Its view may show the erasure. */
export type BusinessProjection<T extends EventType, S, V> = Omit<Projection<T, S, V>, 'view'> & {
  readonly view: (state: Erasable<S>) => V | null;
};

/** Whether an erasure at `until` covers a write at `clock` (it happened at or before the erasure). */
const covers = (until: Clock, clock: Clock): boolean => compareClocks(clock, until) <= 0;

/** The registers of an object of that kind with each personal field written at or before `until` erased. */
export const eraseRegisters = <K extends PersonalKind>(
  registers: Registers<PersonalObject<K>>,
  kind: K,
  until: Clock,
): Registers<PersonalObject<K>> => {
  let personal: Partial<PersonalObject<K>> | undefined;
  for (const field in registers) {
    const register = registers[field];
    if (register === undefined || !covers(until, register) || !isPersonalField(kind, field) || redactValue(register.value) === register.value) continue;
    personal ??= {};
    personal[field] = register.value;
  }
  if (personal === undefined) return registers;
  const erased: Written<PersonalObject<K>> = { ...registers };
  const redacted = redactFields(kind, personal);
  for (const field in redacted) {
    const register = registers[field];
    const value = redacted[field];
    if (register !== undefined && value !== undefined) erased[field] = { ...register, value };
  }
  return erased;
};

/**
 * An object of that kind written at `clock`, its personal fields erased if an erasure at `until` covers the write;
 * the same object if nothing changed.
 */
export const eraseObject = <K extends PersonalKind, O extends PersonalObject<K>>(kind: K, object: O, clock: Clock, until: Clock): O => {
  if (!covers(until, clock)) return object;
  const erased = { ...object, ...redactFields(kind, object) };
  return canonicalJson(erased) === canonicalJson(object) ? object : erased;
};

const isForget = (projected: ProjectedEvent): projected is ProjectedEvent<Forget> => projected.event.type === CONTACT_FORGOTTEN;

/**
 * The projection, handling contact.forgotten as well: the latest erasure that reaches an entity is kept on its state,
 * what the state holds from before it is erased, and an event from before it that arrives later is erased before the
 * projection sees it, so that the state does not depend on the order (the log holds such an event erased too).
 */
export const withErasure = <T extends Exclude<EventType, Forget>, S extends object, V>(
  projection: BusinessProjection<T, S, V>,
  personal: PersonalData<S>,
): Projection<T | Forget, Erasable<S>, V> => {
  const own = new Set<EventType>(projection.handles);
  const isOwn = (projected: ProjectedEvent): projected is ProjectedEvent<T> => own.has(projected.event.type);

  const forget = (state: Erasable<S>, projected: ProjectedEvent<Forget>): Erasable<S> => {
    const { forgotten_at: at, reason, erasure_id } = projected.event.data;
    const forgotten = latest(state.forgotten, { ...clockOf(projected), value: { at, reason, erasure_id } });
    const erased = personal.erase(state, forgotten);
    return forgotten === state.forgotten && erased === state ? state : { ...erased, forgotten };
  };

  // The fold step hands over only events of `handles`: the projection's own, or a contact.forgotten.
  return {
    ...projection,
    handles: [...projection.handles, CONTACT_FORGOTTEN],
    keysOf: (projected) => (isOwn(projected) ? projection.keysOf(projected) : isForget(projected) ? personal.keysOf(projected.event.data) : []),
    evolve: (state, projected) => {
      if (!isOwn(projected)) return isForget(projected) ? forget(state, projected) : state;
      const { forgotten } = state;
      if (forgotten === undefined) return projection.evolve(state, projected);
      const seen = covers(forgotten, clockOf(projected)) ? { ...projected, event: redactEvent(projected.event) } : projected;
      const next = projection.evolve(state, seen);
      // The projection's evolve need not know of the erasure its state carries.
      return next === state ? state : { ...next, forgotten };
    },
    isState: (stored): stored is Erasable<S> => projection.isState(stored),
  };
};
