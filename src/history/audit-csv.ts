import type { AuditEntry } from '../../projections/contact-audit.js';

const HEADER = ['occurred_at', 'event', 'event_id', 'received_at', 'delivery_id', 'field', 'from', 'to'];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** Strings as they are; anything else as JSON, so that null, numbers, booleans and lists stay distinguishable. */
const value = (data: unknown): string => (typeof data === 'string' ? data : JSON.stringify(data));

/** What a spreadsheet would run as a formula (or DDE) at the start of a cell (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A leading `'` makes a spreadsheet show the text instead of evaluating it. */
const safeForSpreadsheets = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

type AuditCsvOptions = {
  /** Exact values, without the spreadsheet escaping: for programs that read the CSV, not for spreadsheets. */
  readonly raw?: boolean;
};

/**
 * The audit trail as CSV, one row per field change. An entry that changed nothing still gets a row, with the
 * change columns empty, so that every event of the trail appears. A cell that a spreadsheet would take for a
 * formula gets a leading `'` (the values come from the provider, so from anyone who can message the business),
 * unless `raw` is asked for.
 */
export const auditCsv = (entries: readonly AuditEntry[], options: AuditCsvOptions = {}): string => {
  const cell = options.raw === true ? field : (text: string) => field(safeForSpreadsheets(text));
  const line = (cells: readonly string[]): string => `${cells.map(cell).join(',')}\r\n`;
  return (
    line(HEADER) +
  entries
    .flatMap((entry) => {
      const facts = [String(entry.occurred_at), entry.event, entry.event_id, entry.received_at ?? '', entry.delivery_id ?? ''];
      if (entry.changes.length === 0) return [line([...facts, '', '', ''])];
      return entry.changes.map((change) => line([...facts, change.field, value(change.from), value(change.to)]));
    })
    .join('')
  );
};
