import Table from 'cli-table3';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** Rows as a table with the given columns (for people), or the data as JSON (for scripts). */
export const printRows = (rows: readonly Record<string, unknown>[], columns: readonly string[], json: boolean): void => {
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

export const printNextCursor = (cursor: string | null, json: boolean): void => {
  if (!json && cursor !== null) process.stdout.write(`more: --cursor ${cursor}\n`);
};
