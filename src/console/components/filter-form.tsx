import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { withQuery } from '../api';
import type { Facet } from '../api-types';
import { toLocalInput } from '../local-time-input';
import type { Sorting } from './data-table';

/**
 * A filter form whose state is the URL: submitting navigates to `path?…` (a new history entry, so back works and the
 * result can be bookmarked). Field names are the API's query parameters.
 */
export const FilterForm = ({ path, label, children }: { path: string; label: string; children: ComponentChildren }) => {
  const { route, url, query: shown } = useLocation();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const query: Record<string, string> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string' && value.trim() !== '') query[key] = value.trim();
    route(withQuery(path, query));
  };
  return (
    // Uncontrolled inputs (default values from the URL): a re-render while someone types never overwrites the text;
    // keyed by the URL, the form shows the filters of the page the back button returns to.
    <form key={url} class="filters" role="search" aria-label={label} onSubmit={submit}>
      {children}
      {/* Filtering keeps the list's order (from its first page). */}
      {shown['sort'] !== undefined && <input type="hidden" name="sort" value={shown['sort']} />}
    </form>
  );
};

/**
 * A free-text filter; with a facet, the input offers the values that occur (a datalist: any other text can still be
 * typed, and the API matches without regard to case).
 */
export const TextFilter = ({ name, label, value, facet }: { name: string; label: string; value: string | undefined; facet?: Facet | undefined }) => (
  <label>
    {label}
    <input name={name} type="text" defaultValue={value ?? ''} list={facet === undefined ? undefined : `${name}-values`} autocomplete="off" />
    {facet !== undefined && (
      <datalist id={`${name}-values`} data-testid={`${name}-values`}>
        {facet.values.map(({ value: option, count }) => (
          <option key={option} value={option} label={`${option} (${count})`} />
        ))}
      </datalist>
    )}
  </label>
);

/** A range of instants (`from`, `to` in the query), each in a local date-time input: "Starts from", "Starts until". */
export const TimeRangeFilter = ({ label, from, to }: { label: string; from: string | undefined; to: string | undefined }) => (
  <>
    <label>
      {label} from
      <input name="from" type="datetime-local" step={1} defaultValue={toLocalInput(from)} />
    </label>
    <label>
      {label} until
      <input name="to" type="datetime-local" step={1} defaultValue={toLocalInput(to)} />
    </label>
  </>
);

export const SelectFilter = ({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: readonly (readonly [string, string])[] }) => (
  <label>
    {label}
    <select name={name}>
      <option value="">any</option>
      {options.map(([optionValue, text]) => (
        <option key={optionValue} value={optionValue} selected={optionValue === value}>
          {text}
        </option>
      ))}
    </select>
  </label>
);

/**
 * The previous and the next page: the API gives a cursor each way, and it goes into the URL, so that every page (and
 * the way back from it) is an address that survives a reload, a bookmark or a link sent to someone.
 */
export const Pager = ({ path, query, page }: { path: string; query: Readonly<Record<string, string>>; page: { next_cursor: string | null; prev_cursor: string | null } }) =>
  page.next_cursor === null && page.prev_cursor === null ? null : (
    <nav class="pager" aria-label="Pages">
      {page.prev_cursor !== null && (
        <a class="button" rel="prev" href={withQuery(path, { ...query, cursor: page.prev_cursor })}>
          Previous page
        </a>
      )}
      {page.next_cursor !== null && (
        <a class="button" rel="next" href={withQuery(path, { ...query, cursor: page.next_cursor })}>
          Next page
        </a>
      )}
    </nav>
  );

/** A list's sorting for DataTable: the list's own address in another sort, from its first page (a cursor is of one sort). */
export const sortingOf = (path: string, query: Readonly<Record<string, string>>): Sorting => {
  const { cursor: _cursor, sort, ...filters } = query;
  return { current: sort, href: (next) => withQuery(path, { ...filters, sort: next }) };
};
