/**
 * Extra fields a view keeps from the payloads: names of the provider's shape (snake_case), the first ones by name.
 * Anything else a sender made up (`"SECRETKEY\nINJECT"`, thousands of keys) stays in the log, not in the view.
 */
const EXTRA_FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_EXTRA_FIELDS = 32;

/**
 * A row with its documented fields first (null when unknown), then the extra fields the payloads carried in name
 * order, so that the row's layout (and its JSON) does not depend on the order the events arrived in.
 */
export const viewRow = (fields: readonly string[], values: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries([
    ...fields.map((field) => [field, Object.hasOwn(values, field) ? values[field] : null]),
    ...Object.keys(values)
      .filter((field) => !fields.includes(field) && EXTRA_FIELD_NAME.test(field))
      .sort()
      .slice(0, MAX_EXTRA_FIELDS)
      .map((field) => [field, values[field]]),
  ]);
