import { parse as uuidBytes, v5 as uuidv5, validate as isUuid } from 'uuid';

/**
 * JSON with object keys sorted at every depth and no spacing, so that two payloads with the same content
 * serialise identically whatever key order the sender used. Built by concatenation: it runs on every delivery.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${out}]`;
  }
  let out = '';
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `{${out}}`;
};

/** Fixed namespace for skylight-projector's name-based (v5) event ids. Changing it would break deduplication. */
const EVENT_ID_NAMESPACE = '5d0f6f7e-3c1b-4b8e-9a43-6f1c2f0e7a10';

// As bytes once: given as a string, uuid parses the namespace twice per id.
const NAMESPACE_BYTES = uuidBytes(EVENT_ID_NAMESPACE);

// The same bytes uuid would derive from the string, encoded natively (its own encoder is a slow JavaScript loop).
const utf8 = new TextEncoder();

/**
 * The id of an event is a function of its content, its canonical JSON, so a provider retry (same event, new delivery
 * id) lands on the same id and the store recognises it as a duplicate.
 */
export const contentEventId = (eventName: string, data: unknown): string =>
  uuidv5(utf8.encode(`${eventName}\n${canonicalJson(data)}`), NAMESPACE_BYTES);

/** A ping has no content worth comparing: each test delivery is its own event. */
export const pingEventId = (deliveryId: string): string =>
  isUuid(deliveryId) ? deliveryId.toLowerCase() : uuidv5(`ping\n${deliveryId}`, NAMESPACE_BYTES);

/** Quarantined deliveries are keyed by what was received, in a space of their own. */
export const quarantineEventId = (fingerprint: string): string =>
  uuidv5(`quarantine\n${fingerprint}`, NAMESPACE_BYTES);

/** A further attempt of a stored event is keyed by both: the same attempt twice is one event. */
export const attemptEventId = (eventId: string, deliveryId: string): string =>
  uuidv5(`attempt\n${eventId}\n${deliveryId}`, NAMESPACE_BYTES);
