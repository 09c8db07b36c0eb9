import { z } from 'zod';

/** Where a forget is: what its job reports while it runs. */
export const ForgetProgress = z.union([
  z.object({ phase: z.literal('scanning'), position: z.number().int().describe('the log position the scan has reached') }),
  z.object({ phase: z.literal('rewriting'), streams_done: z.number().int(), streams_total: z.number().int() }),
  z.object({ phase: z.literal('purging') }),
]);
export type ForgetProgress = z.infer<typeof ForgetProgress>;
