import { z } from 'zod';

/** What a forget needs, from the HTTP API and the CLI alike. */
export const ForgetRequest = z.object({
  reason: z
    .string({ error: 'required: why the contact is forgotten (kept with the erasure; no personal data)' })
    .trim()
    .min(1, 'must not be empty')
    .max(500),
});
export type ForgetRequest = z.infer<typeof ForgetRequest>;
