import { isTimeField } from '../labels';
import { ContactLink } from './contact-link';
import { Erasure, isForgetting } from './erasure';
import { Tags } from './tags';
import { Time } from './time';
import { Value } from './value';

/** What the API writes in place of an erased value (the server's REDACTED; the console bundles no server code). */
const ERASED = '[redacted]';

type FieldValueProps = {
  readonly field: string;
  readonly value: unknown;
  /** The entity was erased: its erased values read as such, not as the marker. */
  readonly erased?: boolean;
  readonly contactNames?: ReadonlyMap<string, string>;
};

/**
 * One field's value as a person reads it: times local, tags as tags, a contact as a link, erased as erased, an
 * erasure in words.
 */
export const FieldValue = ({ field, value, erased = false, contactNames = new Map() }: FieldValueProps) => {
  if (erased && value === ERASED) return <span class="erased">erased</span>;
  const scalar = typeof value === 'string' || typeof value === 'number';
  if (scalar && isTimeField(field)) return <Time value={value} />;
  if (scalar && field === 'contact_id') return <ContactLink id={value} names={contactNames} />;
  if (field === 'tags' && Array.isArray(value)) return <Tags tags={value} />;
  if (field === 'forgotten' && isForgetting(value)) return <Erasure forgotten={value} />;
  return <Value value={value} />;
};
