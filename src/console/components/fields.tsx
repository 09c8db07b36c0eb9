import { fieldLabel } from '../labels';
import { useContactNames } from './contact-link';
import { FieldValue } from './field-value';

type FieldsProps = {
  readonly entity: Readonly<Record<string, unknown>>;
  readonly skip?: readonly string[];
  /** The entity was erased: its erased fields say so. */
  readonly erased?: boolean;
};

const idOf = (value: unknown): string | number | undefined => (typeof value === 'string' || typeof value === 'number' ? value : undefined);

/** A definition list of an entity's fields under human labels; a contact it belongs to is linked by name. */
export const Fields = ({ entity, skip = [], erased = false }: FieldsProps) => {
  const contactNames = useContactNames([idOf(entity['contact_id'])]);
  return (
    <dl class="fields">
      {Object.entries(entity)
        .filter(([key]) => !skip.includes(key))
        .map(([key, value]) => (
          <div key={key}>
            <dt>{fieldLabel(key)}</dt>
            <dd>
              <FieldValue field={key} value={value} erased={erased} contactNames={contactNames} />
            </dd>
          </div>
        ))}
    </dl>
  );
};
