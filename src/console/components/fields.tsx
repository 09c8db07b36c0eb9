import { Time } from './time';
import { Value } from './value';

const looksLikeTime = (key: string) => key.endsWith('_at');

/** A definition list of an entity's fields, times as times, everything else as text. */
export const Fields = ({ entity, skip = [] }: { entity: Readonly<Record<string, unknown>>; skip?: readonly string[] }) => (
  <dl class="fields">
    {Object.entries(entity)
      .filter(([key]) => !skip.includes(key))
      .map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{looksLikeTime(key) && (typeof value === 'string' || typeof value === 'number') ? <Time value={value} /> : <Value value={value} />}</dd>
        </div>
      ))}
  </dl>
);
