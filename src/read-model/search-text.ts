import { foldedText } from '../../projections/view-row.js';

/**
 * What the contacts list's `q` looks for, the same on every read-model store, in the search text each contact row
 * stores (`searchText`, projections/view-row.ts): text without regard to case or accents, and phone numbers by their
 * digits, so that `garcia` finds "García" and `(415) 555-1139` finds `+14155551139`.
 */

const NOT_DIGITS = /\D/g;
/** Only what people write phone numbers with, and at least one digit. */
const PHONE_LIKE = /^[\d\s+\-().]*\d[\d\s+\-().]*$/;

/** What a query looks for in the search text: its digits when it looks like a phone number, else the folded text. */
const searchNeedle = (query: string): string => (PHONE_LIKE.test(query) ? query.replace(NOT_DIGITS, '') : foldedText(query));

/** A LIKE pattern (escaped with `\`) finding the query's needle anywhere in the search text. */
export const searchPattern = (query: string): string => `%${searchNeedle(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
