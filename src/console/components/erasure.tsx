import type { Contact } from '../api-types';
import { Time } from './time';
import { Value } from './value';

export type Forgetting = NonNullable<Contact['forgotten']>;

/** Whether a value is an erasure as the API reports one (a contact's `forgotten`). */
export const isForgetting = (value: unknown): value is Forgetting =>
  typeof value === 'object' && value !== null && 'at' in value && 'reason' in value && 'erasure_id' in value;

/** When, why and by which erasure a contact's personal data was erased, in a sentence. */
export const Erasure = ({ forgotten }: { forgotten: Forgetting }) => (
  <>
    erased on <Time value={forgotten.at} />, because: <Value value={forgotten.reason} />. Erasure <span class="mono">{forgotten.erasure_id}</span>.
  </>
);
