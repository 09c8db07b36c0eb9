/**
 * The order rows are listed in, and what a list's cursor holds: numeric ids numerically (padded to 19 digits), the
 * rest after them, as text. Compared byte by byte in every store (PostgreSQL's `COLLATE "C"`, SQLite's default).
 */
export const sortKeyOf = (key: string): string => (/^\d{1,19}$/.test(key) ? key.padStart(19, '0') : `~${key}`);
