import { columnsOf } from './columns.js';
import { safeName } from './table-layout.js';

/** A column of one of the schema's views: its type, and how it is read from the live table `t` (or a message `m`). */
type ViewColumn = { readonly name: string; readonly type: string; readonly expression: string };

type PublicView = { readonly name: string; readonly columns: readonly ViewColumn[]; readonly from: (table: string) => string };

const fromColumns = (projection: string): ViewColumn[] =>
  columnsOf(projection)
    .filter((c) => c.shown)
    .flatMap((c) => [
      { name: c.name, type: c.type, expression: `t.${c.name}` },
      ...(c.name === 'id' ? [{ name: 'key', type: 'text', expression: 't.key' }] : []),
    ]);

const rowsOf = (table: string) => `${table} t WHERE t.view IS NOT NULL`;

const message = (name: string, type: string, expression = `m->>'${name}'`): ViewColumn => ({ name, type, expression });

/** The stable names people query, one per projection, each over the table that serves it now. */
const PUBLIC_VIEWS: Readonly<Record<string, PublicView>> = {
  contacts: { name: 'contacts', columns: fromColumns('contacts'), from: rowsOf },
  bookings: { name: 'bookings', columns: fromColumns('bookings'), from: rowsOf },
  tickets: { name: 'tickets', columns: fromColumns('tickets'), from: rowsOf },
  deliveries: { name: 'deliveries', columns: fromColumns('deliveries'), from: (table) => `${table} t WHERE t.outcome IS NOT NULL` },
  conversations: {
    name: 'messages',
    columns: [
      message('id', 'bigint', `(m->>'id')::bigint`),
      message('key', 'text'),
      { name: 'contact_id', type: 'bigint', expression: 't.contact_id' },
      ...['direction', 'channel', 'content', 'status'].map((name) => message(name, 'text')),
      message('sent_at', 'timestamptz', `timestamptz 'epoch' + (m->>'sent_at_us')::bigint * interval '1 microsecond'`),
      message('extra', 'jsonb', `m->'extra'`),
    ],
    from: (table) => `${table} t CROSS JOIN LATERAL jsonb_array_elements(t.message_rows) AS m WHERE t.view IS NOT NULL`,
  },
};

/** The qualified name of the view a projection is read through, if it has one. */
export const publicViewOf = (schema: string, projection: string): string | undefined => {
  const view = PUBLIC_VIEWS[projection];
  return view === undefined ? undefined : `${safeName(schema)}.${view.name}`;
};

/**
 * The statement that points a projection's view at `table`, or, with none, at no rows (the read model was emptied).
 * CREATE OR REPLACE keeps what people built on the view (their grants, their own views); it locks the view, so it runs
 * in a schema change, whose lock_timeout makes a long query on the view delay it rather than queue everyone behind it.
 */
export const pointViewSql = (schema: string, projection: string, table: string | undefined): string[] => {
  const view = PUBLIC_VIEWS[projection];
  if (view === undefined) return [];
  const select =
    table === undefined
      ? `SELECT ${view.columns.map((c) => `NULL::${c.type} AS ${c.name}`).join(', ')} WHERE false`
      : `SELECT ${view.columns.map((c) => `${c.expression} AS ${c.name}`).join(', ')} FROM ${view.from(`${safeName(schema)}.${safeName(table)}`)}`;
  return [`CREATE OR REPLACE VIEW ${safeName(schema)}.${view.name} AS ${select}`];
};
