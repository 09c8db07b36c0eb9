import { z } from 'zod';

/** The longest string id; the HTTP router takes path parameters of this length too. */
export const MAX_ENTITY_ID_LENGTH = 128;

/** A string id as it may appear in a stream name or a URL path. */
export const EntityIdText = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${MAX_ENTITY_ID_LENGTH - 1}}$`),
    'expected an id of letters, digits, _ . : or - (starting with a letter or digit)',
  );

/** Provider ids are integers in every example; strings are accepted when they are safe inside a stream name. */
export const EntityId = z.union([z.number().int().nonnegative(), EntityIdText]);
export type EntityId = z.infer<typeof EntityId>;

/** The key an entity is stored and queried under: 42 and "42" are the same contact. */
export const entityKey = (id: EntityId): string => String(id);
