import { getJson } from '../api';
import type { Contact } from '../api-types';
import { entityHref } from '../entity-href';
import { useApi } from '../use-api';
import { Value } from './value';

type Id = string | number;

/** How a contact is named: its name, else (none known, or erased) its id. */
export const contactName = (contact: Contact): string =>
  contact.forgotten === undefined && contact.name !== null ? contact.name : `Contact ${contact.id}`;

/** One contact's name; undefined when the API does not know it or cannot answer now (the link then shows the id). */
const nameOf = async (id: string): Promise<readonly [string, string] | undefined> => {
  try {
    return [id, contactName(await getJson<Contact>(`/contacts/${encodeURIComponent(id)}`, [200, 410]))];
  } catch {
    return undefined;
  }
};

const NONE: ReadonlyMap<string, string> = new Map();

/** The names of the contacts a view links to: one request per distinct contact, all at once. */
export const useContactNames = (ids: readonly (Id | null | undefined)[]): ReadonlyMap<string, string> => {
  const distinct = [...new Set(ids.flatMap((id) => (id === null || id === undefined ? [] : [String(id)])))].sort();
  const names = useApi(distinct.length === 0 ? null : `contact-names/${distinct.join(',')}`, async () => {
    const found = await Promise.all(distinct.map(nameOf));
    return new Map(found.filter((pair) => pair !== undefined));
  });
  return names.state === 'ready' ? names.data : NONE;
};

/** A link to a contact's page, by name when known. */
export const ContactLink = ({ id, names }: { id: Id; names: ReadonlyMap<string, string> }) => (
  <a href={entityHref('contacts', id)}>
    <Value value={names.get(String(id)) ?? `Contact ${id}`} clip />
  </a>
);
