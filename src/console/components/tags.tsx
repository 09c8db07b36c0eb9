import { Badge } from './status';
import { Value } from './value';

/** A contact's tags as tags, not as JSON. */
export const Tags = ({ tags }: { tags: readonly unknown[] }) =>
  tags.length === 0 ? (
    <span class="muted">none</span>
  ) : (
    <ul class="tags">
      {tags.map((tag, index) => (
        <li key={`${index}:${String(tag)}`}>
          <Badge kind="tag">
            <Value value={tag} />
          </Badge>
        </li>
      ))}
    </ul>
  );
