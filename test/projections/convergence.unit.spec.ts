import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProjectedEvent, type Projection } from '../../projections/projection.js';
import { evolveEntities, foldEvents, foldViews, keysTouched } from '../../projections/fold.js';
import { bookingsProjection, contactsProjection, conversationsProjection, deliveriesProjection, ticketsProjection } from '../../projections/registry.js';
import {
  anyDelivery,
  bookingDelivery,
  contactDelivery,
  forgetDelivery,
  history,
  historyAndRedelivery,
  messageDelivery,
  ticketDelivery,
  type Delivery,
} from '../support/event-arbitraries.js';

const NUM_RUNS = 400;

/** Rows by key, keys sorted: what the read model would hold. */
const viewsAfter = (projection: Projection, events: readonly ProjectedEvent[]) =>
  Object.fromEntries([...foldViews(projection, events)].sort(([a], [b]) => (a < b ? -1 : 1)));

/** As the runner does it: the state goes through JSON (SQLite) after every event. */
const viewsThroughStorage = (projection: Projection, events: readonly ProjectedEvent[]) => {
  const stored = new Map<string, string>();
  const states = {
    get: (key: string): unknown => {
      const json = stored.get(key);
      return json === undefined ? undefined : JSON.parse(json);
    },
    set: (key: string, state: unknown) => void stored.set(key, JSON.stringify(state)),
  };
  for (const projected of events) evolveEntities(projection, states, projected);
  const rows = [...stored].flatMap(([key, json]) => {
    const row = projection.view(JSON.parse(json));
    return row === null ? [] : [[key, row] as const];
  });
  return Object.fromEntries(rows.sort(([a], [b]) => (a < b ? -1 : 1)));
};

/** Its own events, with others among them that it must ignore. */
const mostlyOwn = (own: fc.Arbitrary<Delivery>) => fc.oneof({ arbitrary: own, weight: 5 }, { arbitrary: anyDelivery, weight: 1 });

/** An erasure (contact.forgotten) among the events, now and then. */
const withForgets = (own: fc.Arbitrary<Delivery>) => fc.oneof({ arbitrary: own, weight: 6 }, { arbitrary: forgetDelivery, weight: 1 });

const cases: { readonly projection: Projection; readonly events: fc.Arbitrary<Delivery> }[] = [
  {
    projection: contactsProjection,
    events: withForgets(fc.oneof(contactDelivery, contactDelivery, messageDelivery, bookingDelivery, ticketDelivery)),
  },
  { projection: bookingsProjection, events: withForgets(mostlyOwn(bookingDelivery)) },
  { projection: ticketsProjection, events: withForgets(mostlyOwn(ticketDelivery)) },
  { projection: conversationsProjection, events: withForgets(mostlyOwn(messageDelivery)) },
  // Provider retries among them: one event id, other delivery ids and times (the earliest arrival is the row's).
  { projection: deliveriesProjection, events: withForgets(anyDelivery) },
];

describe.each(cases)('the $projection.name projection', ({ projection, events }) => {
  it('converges: any arrival order with any repetition gives the same view of every key', () => {
    fc.assert(
      fc.property(historyAndRedelivery(events), ([happened, delivered]) => {
        const views = viewsAfter(projection, happened);
        expect(viewsAfter(projection, delivered)).toStrictEqual(views);
        // Field order too: rows serialise to the same JSON text.
        expect(JSON.stringify(viewsAfter(projection, delivered))).toBe(JSON.stringify(views));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives the same state when each event is applied twice, and the very same object the second time', () => {
    fc.assert(
      fc.property(history(events), (happened) => {
        const twice = happened.flatMap((event) => [event, event]);
        expect(foldEvents(projection, twice)).toStrictEqual(foldEvents(projection, happened));
        for (const [key, state] of foldEvents(projection, happened)) {
          const last = happened.filter((event) => keysTouched(projection, event).includes(key)).at(-1);
          if (last === undefined) continue;
          const again = new Map([[key, state]]);
          evolveEntities(projection, again, last);
          expect(again.get(key)).toBe(state);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives the same views when its state is stored as JSON between events (as the runner stores it)', () => {
    fc.assert(
      fc.property(history(events), (happened) => {
        const views = viewsAfter(projection, happened);
        expect(viewsThroughStorage(projection, happened)).toStrictEqual(views);
        expect(JSON.parse(JSON.stringify(views))).toStrictEqual(views);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
