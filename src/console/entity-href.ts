/** The console URL of one contact, booking or ticket; ids are escaped, since a string id may hold any URL-safe text. */
export const entityHref = (kind: 'contacts' | 'bookings' | 'tickets', id: string | number): string =>
  `/console/${kind}/${encodeURIComponent(String(id))}`;
