import { readFileSync } from 'node:fs';

const PAGE = 'docs/postgresql.md';

/**
 * The ```sql block that follows `marker` in docs/postgresql.md, as a reader copies it, with the schema `skylight`
 * renamed to a test's own.
 */
export const docSqlAfter = (marker: string, schema: string): string => {
  const text = readFileSync(PAGE, 'utf8');
  const from = text.indexOf(marker);
  if (from < 0) throw new Error(`${PAGE} has no ${marker}`);
  const start = text.indexOf('```sql\n', from) + '```sql\n'.length;
  return text.slice(start, text.indexOf('```', start)).replace(/\bskylight\b/g, schema);
};

/** The `| column | type | meaning |` table after `marker` in docs/postgresql.md: each column's name and type. */
export const documentedColumns = (marker: string): { readonly name: string; readonly type: string }[] => {
  const text = readFileSync(PAGE, 'utf8');
  const from = text.indexOf(marker);
  if (from < 0) throw new Error(`${PAGE} has no ${marker}`);
  const table = text.slice(text.indexOf('| column |', from)).split('\n\n')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')))
    .map(([, name = '', type = '']) => ({ name, type }));
};
