import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BookingView } from '../../projections/booking-view.js';
import { ContactView } from '../../projections/contact-view.js';
import { ConversationView } from '../../projections/conversation-view.js';
import { AttemptView, DeliveryView } from '../../projections/delivery-view.js';
import { foldViews } from '../../projections/fold.js';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import { TicketView } from '../../projections/ticket-view.js';
import { anyDelivery, forgetDelivery, history } from '../support/event-arbitraries.js';

/** The schema each projection's rows are declared by (and the API documents). */
const SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  contacts: ContactView,
  bookings: BookingView,
  tickets: TicketView,
  conversations: ConversationView,
  // A delivery's row, or the row of a further attempt's delivery id (which lists never show).
  deliveries: z.union([DeliveryView, AttemptView]),
};

const schemaOf = (projection: Projection): z.ZodType => {
  const schema = SCHEMAS[projection.name];
  if (schema === undefined) throw new Error(`no view schema for the ${projection.name} projection`);
  return schema;
};

const events = fc.oneof({ arbitrary: anyDelivery, weight: 8 }, { arbitrary: forgetDelivery, weight: 1 });

describe.each(projections)('the $name view', (projection) => {
  it('is what its schema describes, whatever the events', () => {
    const schema = schemaOf(projection);
    fc.assert(
      fc.property(history(events, 32), (happened) => {
        for (const row of foldViews(projection, happened).values()) {
          const parsed = schema.safeParse(row);
          expect(parsed.error?.issues).toBeUndefined();
          expect(parsed.data).toStrictEqual(row);
        }
      }),
      { numRuns: 300 },
    );
  });
});
