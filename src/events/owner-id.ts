import type { EntityId } from './entity-id.js';

/**
 * The contact an entity belongs to: its own `contact_id` when it carries one (REST objects, flat format),
 * otherwise the contact embedded beside it in the nested format; null when neither says.
 */
export const ownerId = (entity: { contact_id?: EntityId | null | undefined }, contact?: { id: EntityId }): EntityId | null =>
  entity.contact_id ?? contact?.id ?? null;
