/** The entities that have a stream of their own. */
export type EntityKind = 'contact' | 'booking' | 'ticket';

/** The stream intake routes an entity's events to (`contact-42`); the key is the id as `entityKey` writes it. */
export const entityStream = (kind: EntityKind, key: string): string => `${kind}-${key}`;
