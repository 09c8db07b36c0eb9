const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Milliseconds of a stored timestamp: an ISO-8601 string, or Unix seconds as SkyLight may send them. */
const millisOf = (value: string | number): number => (typeof value === 'number' ? value * 1000 : Date.parse(value));

/** A stored timestamp in the browser's time zone; the exact stored value is its title. */
export const Time = ({ value }: { value: string | number | null | undefined }) => {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  const ms = millisOf(value);
  const exact = String(value);
  return (
    <time dateTime={Number.isNaN(ms) ? undefined : new Date(ms).toISOString()} title={exact}>
      {Number.isNaN(ms) ? exact : format.format(ms)}
    </time>
  );
};
