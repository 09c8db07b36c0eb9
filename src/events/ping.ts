import { z } from 'zod';

/** `data` of the dashboard's test delivery. */
export const PingEventData = z.looseObject({ message: z.string().nullish() });
export type PingEventData = z.infer<typeof PingEventData>;
