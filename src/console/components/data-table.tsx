import type { ComponentChildren } from 'preact';
import { Empty } from './status';
import { Value } from './value';

/** One column of a DataTable: its header and how a row fills its cell. */
type Column<T> = {
  /** The column header; also the cell's key, so unique within a table. */
  readonly header: string;
  /** Text (a payload's string) is shown as a `Value`, clipped; anything else as it is. */
  readonly cell: (row: T) => ComponentChildren;
  /** The class of the column's cells, e.g. `num` for right-aligned figures. */
  readonly class?: string;
  readonly testId?: string;
  /** The API's sort field this column can be sorted by (`name`, `-name` descending). */
  readonly sort?: string;
};

/** The sort a list is shown in (the URL's `sort`) and the address of the same list in another one (none: the default). */
export type Sorting = { readonly current: string | undefined; readonly href: (sort: string | undefined) => string };

/** A table's columns; the first names the row: its cells are row headers. */
export type Columns<T> = readonly [Column<T>, ...Column<T>[]];

type DataTableProps<T> = {
  readonly rows: readonly T[];
  readonly columns: Columns<T>;
  readonly rowKey: (row: T) => string | number;
  readonly rowTestId?: (row: T) => string;
  /** What stands in place of a table without rows; without it, such a table still shows its header row. */
  readonly empty?: ComponentChildren;
  readonly class?: string;
  /** Where the list can be sorted: the headers of the columns that say `sort` become links to the list in that order. */
  readonly sorting?: Sorting;
};

const cellContent = (content: ComponentChildren): ComponentChildren =>
  typeof content === 'string' && content !== '' ? <Value value={content} clip /> : content;

/** A table's header row, a column header a label (each label unique within the table: it is the header's key). */
export const HeaderRow = ({ headers }: { headers: readonly string[] }) => (
  <thead>
    <tr>
      {headers.map((header) => (
        <th key={header} scope="col">
          {header}
        </th>
      ))}
    </tr>
  </thead>
);

/**
 * A sortable column's header: a link (reachable by keyboard, and a real address, so the sort is in the URL and the
 * history) to the list ascending, then descending, then back in its default order; `aria-sort` says the current one.
 */
const SortHeader = ({ header, field, sorting }: { header: string; field: string; sorting: Sorting }) => {
  const direction = sorting.current === field ? 'ascending' : sorting.current === `-${field}` ? 'descending' : undefined;
  const next = direction === undefined ? field : direction === 'ascending' ? `-${field}` : undefined;
  const then = next === undefined ? 'in the default order' : next.startsWith('-') ? 'descending' : 'ascending';
  return (
    <th scope="col" aria-sort={direction}>
      <a class="sort" href={sorting.href(next)} title={`Sort ${then}`}>
        {header}
        <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕'}</span>
      </a>
    </th>
  );
};

const ColumnHeaders = <T,>({ columns, sorting }: { columns: readonly Column<T>[]; sorting: Sorting | undefined }) => (
  <thead>
    <tr>
      {columns.map((column) =>
        column.sort !== undefined && sorting !== undefined ? (
          <SortHeader key={column.header} header={column.header} field={column.sort} sorting={sorting} />
        ) : (
          <th key={column.header} scope="col">
            {column.header}
          </th>
        ),
      )}
    </tr>
  </thead>
);

/**
 * A table described by its columns: a header row, and per row a row header (the first column) for screen readers.
 * Each cell carries its column's header (`data-label`): on a phone the rows stack and each cell shows it.
 */
export const DataTable = <T,>({ rows, columns: [first, ...rest], rowKey, rowTestId, empty, class: tableClass, sorting }: DataTableProps<T>) =>
  rows.length === 0 && empty !== undefined ? (
    <Empty>{empty}</Empty>
  ) : (
    <div class="table-wrap">
      <table class={tableClass}>
        <ColumnHeaders columns={[first, ...rest]} sorting={sorting} />
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId?.(row)}>
              <th scope="row" class={first.class} data-testid={first.testId} data-label={first.header}>
                {cellContent(first.cell(row))}
              </th>
              {rest.map((column) => (
                <td key={column.header} class={column.class} data-testid={column.testId} data-label={column.header}>
                  {cellContent(column.cell(row))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
