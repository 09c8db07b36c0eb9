/**
 * A strict RFC 4180 reader for the tests: CRLF-terminated records, quoted fields with doubled quotes, commas and
 * line breaks inside quotes. Throws on anything a conforming writer would not produce.
 */
export const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          cell += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`unquoted ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i];
        i += 1;
      }
    }
    record.push(cell);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      throw new Error(`expected , or CRLF at ${i}`);
    }
  }
  if (record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
};

type EntryAsText = {
  occurred_at: string;
  event: string;
  event_id: string;
  received_at: string;
  delivery_id: string;
  changes: { field: string; from: string; to: string }[];
};

/** Audit CSV rows grouped back into entries (consecutive rows of one event id); values stay CSV text. */
export const auditEntriesFromCsv = (csv: string): EntryAsText[] => {
  const [, ...rows] = parseCsv(csv);
  return rows.reduce<EntryAsText[]>((entries, [occurred_at = '', event = '', event_id = '', received_at = '', delivery_id = '', field = '', from = '', to = '']) => {
    const last = entries.at(-1);
    const entry = last?.event_id === event_id ? last : { occurred_at, event, event_id, received_at, delivery_id, changes: [] };
    if (entry !== last) entries.push(entry);
    if (field !== '') entry.changes.push({ field, from, to });
    return entries;
  }, []);
};

type AuditEntryLike = {
  occurred_at: string | number;
  event: string;
  event_id: string;
  received_at: string | null;
  delivery_id: string | null;
  changes: readonly { field: string; from: unknown; to: unknown }[];
};

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** What an entry becomes in CSV: strings as they are, other values as JSON, a missing fact as an empty cell. */
export const asCsvText = (entries: readonly AuditEntryLike[]): EntryAsText[] =>
  entries.map((entry) => ({
    occurred_at: String(entry.occurred_at),
    event: entry.event,
    event_id: entry.event_id,
    received_at: entry.received_at ?? '',
    delivery_id: entry.delivery_id ?? '',
    changes: entry.changes.map((change) => ({ field: change.field, from: text(change.from), to: text(change.to) })),
  }));
