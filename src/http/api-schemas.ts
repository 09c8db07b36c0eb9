import { z } from 'zod';
import { BookingView as BookingViewRow } from '../../projections/booking-view.js';
import { ContactView as ContactViewRow } from '../../projections/contact-view.js';
import { ConversationView as ConversationViewRow } from '../../projections/conversation-view.js';
import { DeliveryView as DeliveryViewRow } from '../../projections/delivery-view.js';
import { TicketView as TicketViewRow } from '../../projections/ticket-view.js';
import { EntityId } from '../events/entity-id.js';
import { Timestamp } from '../events/timestamp.js';
import { FACET_FIELDS, MAX_FACET_VALUES, type FacetField } from '../read-model/list-facets.js';
import type { ListedProjection } from '../read-model/list-filters.js';
import { LAG_COUNT_LIMIT } from '../runner/log-lag.js';
import { WRITER_ROLES } from '../read-model/writer-lease.js';

/**
 * Response schemas of the HTTP API: validation, types and the OpenAPI document come from these. The views are the
 * projections' own schemas, named here for the OpenAPI document.
 */

export const ContactView = ContactViewRow.meta({ id: 'Contact' });

export const ContactSummary = z
  .object({
    contact_id: EntityId,
    bookings: z.record(z.string(), z.number().int()).describe('count by status'),
    open_tickets: z.number().int(),
    messages: z.number().int(),
    last_activity_at: Timestamp.nullable(),
  })
  .meta({ id: 'ContactSummary' });

export const BookingView = BookingViewRow.meta({ id: 'Booking' });

export const TicketView = TicketViewRow.meta({ id: 'Ticket' });

export const ConversationView = ConversationViewRow.meta({ id: 'Conversation' });

export const DeliveryView = DeliveryViewRow.meta({ id: 'Delivery' });

/** The query string of a route that takes no parameters: checked strictly like every other, so any is a 400. */
export const NoParameters = z.object({});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next_cursor: z.string().nullable().describe('the page after this one, in the same sort; null on the last'),
    prev_cursor: z.string().nullable().describe('the page before this one, in the same sort; null on the first'),
  });

const Facet = z
  .object({
    values: z
      .array(z.object({ value: z.string().describe('its most common spelling'), count: z.number().int() }))
      .describe(`the values that occur, without regard to case or accents, the most frequent first, at most ${MAX_FACET_VALUES}`),
    more: z.boolean().describe('more values occur than are listed'),
  })
  .meta({ id: 'Facet' });

/** A list's facets: per open-ended field, its values among the rows the other filters match. */
const facetsOf = <P extends ListedProjection>(projection: P) =>
  z.object(Object.fromEntries(FACET_FIELDS[projection].map((field) => [field, Facet])) as Record<FacetField<P>, typeof Facet>);

export const ContactFacets = facetsOf('contacts').meta({ id: 'ContactFacets' });
export const BookingFacets = facetsOf('bookings').meta({ id: 'BookingFacets' });
export const TicketFacets = facetsOf('tickets').meta({ id: 'TicketFacets' });

export const ProblemSchema = z
  .looseObject({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string().optional() })
  .meta({ id: 'Problem' });

const FieldChange = z.object({ field: z.string(), from: z.unknown(), to: z.unknown() });

export const AuditEntry = z
  .object({
    event: z.enum(['contact.created', 'contact.updated', 'contact.deleted', 'contact.forgotten']),
    event_id: z.string(),
    occurred_at: Timestamp,
    received_at: z.string().nullable(),
    delivery_id: z.string().nullable(),
    changes: z.array(FieldChange).describe('the fields this event changed, with their value before and after'),
  })
  .meta({ id: 'AuditEntry' });

export const ContactAudit = z
  .object({
    contact_id: EntityId,
    entries: z.array(AuditEntry).describe('in business-time order'),
    next_after: z.string().nullable().describe('more entries follow: pass as after= for the next page'),
  })
  .meta({ id: 'ContactAudit' });

export const StoredEvent = z
  .object({
    id: z.string(),
    type: z.string(),
    stream: z.string(),
    revision: z.number().int(),
    position: z.number(),
    recorded_at: z.string(),
    data: z.unknown().describe('exactly as received'),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'StoredEvent' });

export const StreamHistory = z
  .object({ stream: z.string(), events: z.array(StoredEvent), next_from_revision: z.number().int().nullable() })
  .meta({ id: 'StreamHistory' });

const StoredAs = z.object({ stream: z.string(), event_id: z.string(), position: z.number() });

const QuarantineItem = z
  .object({
    revision: z.number().int(),
    position: z.number(),
    event_id: z.string(),
    received_at: z.string(),
    event: z.string().nullable(),
    delivery_id: z.string().nullable(),
    reason: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
    body_bytes: z.number().int(),
    status: z.enum(['still_invalid', 'passes_now', 'retried']).describe('what a retry would do now, or did'),
    stored_as: StoredAs.nullable(),
  })
  .meta({ id: 'QuarantineItem' });

export const QuarantinePage = z.object({ items: z.array(QuarantineItem), next_after_revision: z.number().int().nullable() });

export const RetryOutcome = z
  .object({
    quarantine_event_id: z.string(),
    quarantine_revision: z.number().int(),
    status: z.enum(['appended', 'duplicate', 'still_invalid', 'stream_deleted', 'unavailable']),
    event: z.string().optional(),
    event_id: z.string().optional(),
    stream: z.string().optional(),
    position: z.number().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'RetryOutcome' });

export const QuarantineBody = z
  .object({
    revision: z.number().int(),
    event_id: z.string(),
    encoding: z.enum(['utf8', 'base64']).describe('utf8: the bytes as text; base64: they were not valid UTF-8'),
    body: z.string(),
  })
  .meta({ id: 'QuarantineBody' });

const outcomeCount = z.number().int().nonnegative();

/** A projection's checkpoint and lag, as /ready and /overview give them. */
export const ProjectionLag = z.object({
  name: z.string(),
  version: z.number().int(),
  position: z.number().describe('checkpoint: the last log position applied'),
  lag_events: z.number().int().describe(`events in the log after the checkpoint, counted up to ${LAG_COUNT_LIMIT}`),
  lag_events_exact: z.boolean().describe('false: at least lag_events (counting stops there)'),
  lag_seconds: z.number().describe('age of the oldest event not yet applied; 0 when caught up'),
});

/** Whether the node applies the log to its read model, or follows the node that does. */
export const Role = z
  .enum(WRITER_ROLES)
  .describe('writer: this node applies the log to the read model; standby: another node does (a PostgreSQL read model several nodes share), this one follows its commits');

export const Overview = z
  .object({
    store: z.enum(['sqlite', 'eventstoredb']),
    role: Role,
    head_position: z.number(),
    projections: z.array(ProjectionLag),
    rebuild: z.object({
      running: z.boolean(),
      projections: z.array(z.string()),
      events: z.number().int().describe('events folded so far'),
      total: z.number().int().nullable().describe('events to fold; null while not known yet'),
    }),
    appended_per_hour: z
      .array(z.object({ hour: z.string().describe('start of the hour (UTC)'), events: z.number().int() }))
      .describe('the last 24 hours, the current hour last'),
    deliveries: z
      .object({
        since: z.string().describe('when this server started'),
        by_outcome: z.record(z.string(), outcomeCount).describe('count per outcome, as skylight_deliveries_total'),
      })
      .describe('webhook deliveries this server answered, by outcome'),
    quarantine_size: z.number().int(),
  })
  .meta({ id: 'Overview' });

const RetryCounts = z.object({ appended: z.number().int(), duplicate: z.number().int(), still_invalid: z.number().int(), stream_deleted: z.number().int(), unavailable: z.number().int() });

export const RetryJob = z
  .object({
    job_id: z.string(),
    state: z.enum(['running', 'done', 'failed', 'stopped']),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    total: z.number().int().describe('records in quarantine when the job started'),
    retried: z.number().int().describe('kept deliveries retried so far'),
    outcomes: RetryCounts,
    error: z.string().nullable(),
  })
  .meta({ id: 'RetryJob' });

export const RetryJobConflict = ProblemSchema.extend({ job: RetryJob });
