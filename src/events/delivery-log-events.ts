import { z } from 'zod';

/**
 * The engine's own names for what the log keeps beside the provider's events, as the projections read them: never
 * accepted from a webhook (a delivery by one of these names is unrecognized).
 */
export const DELIVERY_UNRECOGNIZED = 'delivery.unrecognized';
export const DELIVERY_QUARANTINED = 'delivery.quarantined';
export const DELIVERY_ATTEMPTED = 'delivery.attempted';

/**
 * Where a further attempt of a delivery already in the log goes (a provider retry answered `duplicate`): one small
 * event each, so that every attempt's delivery id is in the log and can be found.
 */
export const ATTEMPTS_STREAM = 'webhook-attempts';

/** An unrecognized delivery as the projections read it: the name it came with (its data stays in the log). */
export const UnrecognizedDeliveryData = z.object({ event: z.string() });
export type UnrecognizedDeliveryData = z.infer<typeof UnrecognizedDeliveryData>;

/** What a delivery log reads of a quarantine record: every record is a kept delivery, whatever an older version wrote. */
export const QuarantinedDeliveryData = z.looseObject({ reason: z.string().optional().catch(undefined), event: z.string().optional().catch(undefined) });
export type QuarantinedDeliveryData = z.infer<typeof QuarantinedDeliveryData>;

/** A further attempt of a delivery already in the log: which event it repeated, and where that one is. */
export const AttemptedDeliveryData = z.object({ event_id: z.string().min(1), stream: z.string().min(1) });
export type AttemptedDeliveryData = z.infer<typeof AttemptedDeliveryData>;
