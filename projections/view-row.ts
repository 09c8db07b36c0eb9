import { z } from 'zod';

/**
 * Extra fields a view keeps from the payloads: names of the provider's shape (snake_case), the first ones by name,
 * as many as fit in a byte budget. Anything else a sender made up (`"SECRETKEY\nINJECT"`, thousands of keys, keys
 * holding megabytes) stays in the log, not in the view, so that a row, and a page of rows, stays small.
 */
const EXTRA_FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_EXTRA_FIELDS = 32;
/** Bytes of JSON (names and values) a row's extra fields take at most: about 1 KB each, on average. */
export const MAX_EXTRA_FIELDS_BYTES = 32 * 1024;

/** Where a row names the extra fields of the provider's shape it does not show; a payload's own such field is not shown. */
const LEFT_OUT = 'extra_fields_left_out';

export const ExtraFieldsLeftOut = z
  .array(z.string())
  .optional()
  .describe(`extra fields the payloads carried that the row leaves out (past ${MAX_EXTRA_FIELDS} of them, or ${MAX_EXTRA_FIELDS_BYTES} bytes); they are in the log`);

/** What a row shows of the payloads beyond its documented fields. */
type ExtraFields = { [field: string]: unknown; extra_fields_left_out?: string[] };

/**
 * The fields the payloads carried beyond the row's documented ones, in name order, so that the row's layout (and
 * its JSON) does not depend on the order the events arrived in; each kept while it still fits in count and bytes;
 * then, if some were left out, their names. A row spreads them after its documented fields.
 */
export const extraFields = (documented: object, values: Readonly<Record<string, unknown>>): ExtraFields => {
  const names: string[] = [];
  for (const field in values) {
    if (!Object.hasOwn(documented, field) && field !== LEFT_OUT && EXTRA_FIELD_NAME.test(field)) names.push(field);
  }
  names.sort();
  const extras: ExtraFields = {};
  const leftOut: string[] = [];
  let kept = 0;
  let bytes = 0;
  for (const name of names) {
    const size = kept < MAX_EXTRA_FIELDS ? name.length + JSON.stringify(values[name] ?? null).length : Number.POSITIVE_INFINITY;
    if (bytes + size <= MAX_EXTRA_FIELDS_BYTES) {
      extras[name] = values[name];
      kept += 1;
      bytes += size;
    } else leftOut.push(name);
  }
  if (leftOut.length > 0) extras[LEFT_OUT] = leftOut;
  return extras;
};
