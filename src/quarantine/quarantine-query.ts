import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read-model/page.js';

/** Paging through quarantine by stream revision, shared by the HTTP API and the CLI. */
export const QuarantineListQuery = z.object({
  after_revision: z.coerce.number().int().nonnegative().optional().describe('start after this quarantine revision'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type QuarantineListQuery = z.infer<typeof QuarantineListQuery>;
