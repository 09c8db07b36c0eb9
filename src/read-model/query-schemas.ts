import { z } from 'zod';
import { DeliveryOutcome } from '../../projections/delivery-view.js';
import { BookingStatus } from '../events/booking.js';
import { EntityIdText } from '../events/entity-id.js';
import { parseInstant } from '../events/timestamp.js';
import { decodeCursor, type ListCursor } from './list-cursor.js';
import type { ListedProjection } from './list-filters.js';
import { sortOf, sortTexts, type SortText } from './list-sort.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page.js';

/** The query parameters of lists and lookups, shared by the HTTP API and the CLI (both validate with these). */

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const MinPosition = z.object({
  min_position: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('answer only once the read model has applied this log position (from an intake response)'),
});

const cursorText = z
  .string()
  .refine((cursor) => decodeCursor(cursor) !== undefined, 'not a cursor from a previous page')
  .transform((cursor) => decodeCursor(cursor) as ListCursor);

/** A position's value is of its sort's field: none in the id order, a name's folded text, a time in microseconds. */
const fitsSort = ({ sort, position }: ListCursor): boolean => {
  if (position === undefined || position.value === null) return true;
  const { field } = sortOf(sort);
  return field === 'id' ? false : field === 'name' ? typeof position.value === 'string' : typeof position.value === 'number';
};

/** Which page, in which order: `sort` over the whole list, and a cursor from a page of that same sort. */
const paging = <P extends ListedProjection>(projection: P) => {
  const sorts = sortTexts(projection) as [SortText<P>, ...SortText<P>[]];
  return z.object({
    sort: z
      .enum(sorts)
      .optional()
      .transform((sort): SortText<P> => sort ?? 'id')
      .describe('the order of the whole list (default id): a field, or -field for descending; rows without the field come last, ties in id order'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: cursorText.optional().describe('next_cursor or prev_cursor of a page of the same sort'),
  });
};

/** A cursor goes with the sort it was made for: another sort's would name a place in another order. */
const cursorOfSort = (query: { readonly sort: SortText; readonly cursor?: ListCursor | undefined }, context: z.RefinementCtx) => {
  if (query.cursor === undefined) return;
  if (query.cursor.sort !== query.sort) context.addIssue({ code: 'custom', path: ['cursor'], message: `a cursor of sort=${query.cursor.sort}, not sort=${query.sort}` });
  else if (!fitsSort(query.cursor)) context.addIssue({ code: 'custom', path: ['cursor'], message: 'not a cursor from a previous page' });
};

export const instant = z
  .string()
  .refine((value) => parseInstant(value) !== undefined, 'expected an ISO-8601 date-time')
  .transform((value) => parseInstant(value) as number);

export const IdParams = z.object({ id: EntityIdText });

/** A filter of an open-ended field: matched without regard to case or accents. */
const openValue = z.string().min(1).describe('without regard to case or accents');

const ContactFilterQuery = z.object({
  tag: openValue.optional(),
  status: openValue.optional(),
  type: openValue.optional(),
  blacklisted: flag.optional(),
  q: z.string().min(1).max(200).optional(),
  include_deleted: flag.optional(),
});

const BookingFilterQuery = z.object({
  status: z
    .string()
    .transform((status) => status.toLowerCase())
    .pipe(BookingStatus)
    .optional()
    .describe('without regard to case'),
  contact_id: z.string().min(1).optional(),
  from: instant.optional().describe('starts_at at or after this instant'),
  to: instant.optional().describe('starts_at at or before this instant'),
});

const TicketFilterQuery = z.object({
  status: openValue.optional(),
  priority: openValue.optional(),
  contact_id: z.string().min(1).optional(),
});

export const ContactListQuery = MinPosition.extend({ ...ContactFilterQuery.shape, with_summary: flag.optional().describe("add each contact's summary") })
  .extend(paging('contacts').shape)
  .superRefine(cursorOfSort);

export const BookingListQuery = MinPosition.extend(BookingFilterQuery.shape).extend(paging('bookings').shape).superRefine(cursorOfSort);

export const TicketListQuery = MinPosition.extend(TicketFilterQuery.shape).extend(paging('tickets').shape).superRefine(cursorOfSort);

/** The facets of a list are counted under the list's filters (list-facets.ts). */
export const ContactFacetsQuery = MinPosition.extend(ContactFilterQuery.shape);
export const BookingFacetsQuery = MinPosition.extend(BookingFilterQuery.shape);
export const TicketFacetsQuery = MinPosition.extend(TicketFilterQuery.shape);

export const DeliveryListQuery = MinPosition.extend({
  event: z.string().min(1).optional().describe('the event name it came with (contact.updated, contact.merged …)'),
  outcome: DeliveryOutcome.optional(),
  entity: z.string().min(1).optional().describe('the entity it is about: contact-42, booking-101, ticket-55'),
  from: instant.optional().describe('received at or after this instant'),
  to: instant.optional().describe('received at or before this instant'),
  q: z.string().min(1).max(200).optional().describe("an event id, or the delivery id of any attempt (SkyLight's dashboard shows them)"),
})
  .extend(paging('deliveries').shape)
  .superRefine(cursorOfSort);

/** An event id or a delivery id: a delivery id is the sender's, up to 200 characters (the envelope's bound). */
export const DeliveryParams = z.object({ id: z.string().min(1).max(200) });

/** Time travel on a lookup: read from the log, at a business time or after a stream revision, never both. */
export const AsOf = z.object({
  as_of: instant.optional().describe('the state at this business time (ISO-8601), folded from the log'),
  at_revision: z.coerce.number().int().nonnegative().optional().describe("the state after this revision of the entity's stream"),
});

export const LookupQuery = MinPosition.extend(AsOf.shape).refine(
  (query) => query.as_of === undefined || query.at_revision === undefined,
  { path: ['at_revision'], message: 'as_of and at_revision exclude each other' },
);
