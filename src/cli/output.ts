import Table from 'cli-table3';

/**
 * Whether the command's answer was empty (a list without rows, an empty log). The CLI then names the log it read: an
 * empty ./data the user did not mean looks just like an account with nothing in it. One command runs per process.
 */
let empty = false;
export const answerIsEmpty = (): void => {
  empty = true;
};
export const answeredEmpty = (): boolean => empty;

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** Rows as a table with the given columns (for people), or the data as JSON (for scripts). */
export const printRows = (rows: readonly Record<string, unknown>[], columns: readonly string[], json: boolean): void => {
  if (rows.length === 0) answerIsEmpty();
  if (json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const table = new Table({ head: [...columns], style: { head: process.stdout.isTTY ? ['cyan'] : [], border: [] } });
  for (const row of rows) table.push(columns.map((column) => cell(row[column])));
  process.stdout.write(`${table.toString()}\n`);
};

/** One record as field / value lines. */
export const printRecord = (record: Record<string, unknown>, json: boolean): void => {
  if (json) {
    process.stdout.write(`${JSON.stringify(record)}\n`);
    return;
  }
  const table = new Table({ style: { head: [], border: [] } });
  for (const [field, value] of Object.entries(record)) table.push({ [field]: cell(value) });
  process.stdout.write(`${table.toString()}\n`);
};

/**
 * A page of a list: for scripts the API's own shape (`{items, next_cursor, prev_cursor}`, so they can page on), for
 * people a table of `rows` (the items as shown) and the flags that fetch the next and the previous page.
 */
export const printPage = (
  page: { readonly items: readonly Record<string, unknown>[]; readonly next_cursor: string | null; readonly prev_cursor: string | null },
  columns: readonly string[],
  json: boolean,
  rows: readonly Record<string, unknown>[] = page.items,
): void => {
  if (json) {
    if (page.items.length === 0) answerIsEmpty();
    process.stdout.write(`${JSON.stringify(page)}\n`);
    return;
  }
  printRows(rows, columns, false);
  if (page.next_cursor !== null) process.stdout.write(`more: --cursor ${page.next_cursor}\n`);
  if (page.prev_cursor !== null) process.stdout.write(`before: --cursor ${page.prev_cursor}\n`);
};
