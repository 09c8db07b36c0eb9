/**
 * A row with its documented fields first (null when unknown), then every extra field the payloads carried in name
 * order, so that the row's layout (and its JSON) does not depend on the order the events arrived in.
 */
export const viewRow = (fields: readonly string[], values: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries([
    ...fields.map((field) => [field, Object.hasOwn(values, field) ? values[field] : null]),
    ...Object.keys(values)
      .filter((field) => !fields.includes(field))
      .sort()
      .map((field) => [field, values[field]]),
  ]);
