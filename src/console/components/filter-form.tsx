import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { withQuery } from '../api';

/**
 * A filter form whose state is the URL: submitting navigates to `path?…` (a new history entry, so back works and the
 * result can be bookmarked). Field names are the API's query parameters.
 */
export const FilterForm = ({ path, label, children }: { path: string; label: string; children: ComponentChildren }) => {
  const { route, url } = useLocation();
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
    </form>
  );
};

export const TextFilter = ({ name, label, value }: { name: string; label: string; value: string | undefined }) => (
  <label>
    {label}
    <input name={name} type="text" defaultValue={value ?? ''} />
  </label>
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

/** Next page: the cursor goes into the URL; the browser's back button returns to the previous page. */
export const NextPage = ({ path, query, cursor }: { path: string; query: Readonly<Record<string, string>>; cursor: string | null }) =>
  cursor === null ? null : (
    <a class="button" href={withQuery(path, { ...query, cursor })}>
      Next page
    </a>
  );
