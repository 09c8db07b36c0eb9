import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read-model/page.js';
import { instant } from '../read-model/query-schemas.js';

/** Query parameters of the history endpoints, shared by the HTTP API and the CLI. */

export const AuditQuery = z.object({
  from: instant.optional().describe('entries that occurred at or after this instant'),
  to: instant.optional().describe('entries that occurred at or before this instant'),
  format: z.enum(['json', 'csv']).default('json').describe('csv: text/csv, one row per field change'),
  raw: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe("csv: exact values; by default a cell starting with = + - @ tab or CR gets a leading ' (spreadsheet formula injection)"),
});

export const HistoryQuery = z.object({
  from_revision: z.coerce.number().int().nonnegative().optional().describe('first stream revision to return'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe('at most this many events'),
});

/** The HTTP audit answers a page at a time (the CLI prints the whole trail). */
export const AuditPageQuery = AuditQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE).describe('at most this many entries'),
  after: z.string().min(1).optional().describe('the next_after of the previous page: entries after this event id'),
});
