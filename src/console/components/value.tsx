/** Any value from a payload, as text: strings as they are, the rest as JSON. Never HTML. */
const valueText = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/** Characters a clipped value shows at most; a 700 KB name made the contacts table 13 million pixels wide. */
const CLIP_AT = 200;

/** The first `CLIP_AT` characters and an ellipsis, never half of a surrogate pair. */
const clipped = (text: string): string => {
  const start = text.slice(0, CLIP_AT);
  return `${/[\uD800-\uDBFF]$/.test(start) ? start.slice(0, -1) : start}…`;
};

/**
 * A value from a payload, as text. `<bdi>` isolates its direction: a right-to-left override in a name cannot pull
 * what follows (a badge, the next value) into it. `clip`: a long value is cut, the whole of it in the title (in
 * tables also to one line, see `.clipped`).
 */
export const Value = ({ value, clip = false }: { value: unknown; clip?: boolean }) => {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  const text = valueText(value);
  if (!clip) return <bdi class="value">{text}</bdi>;
  return text.length > CLIP_AT ? (
    <bdi class="value clipped" title={text}>
      {clipped(text)}
    </bdi>
  ) : (
    <bdi class="value clipped">{text}</bdi>
  );
};
