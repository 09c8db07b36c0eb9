/** Any value from a payload, as text: strings as they are, the rest as JSON. Never HTML. */
export const valueText = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

export const Value = ({ value }: { value: unknown }) =>
  value === null || value === undefined ? <span class="muted">—</span> : <span class="value">{valueText(value)}</span>;
