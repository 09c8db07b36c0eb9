import { REDACTED, streamsNamed, streamsNamedInText } from '../events/personal-data.js';
import { keptBytes } from '../events/route-delivery.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
};

/** The bytes a quarantine record keeps of a delivery (as text, or base64 when not UTF-8), and its JSON if it is. */
export type KeptBody = { readonly bytes: Buffer; readonly json: unknown };

export const keptBody = (data: unknown): KeptBody => {
  const bytes = keptBytes(isObject(data) ? data : {});
  return { bytes, json: parsed(bytes.toString('utf8')) };
};

/** The entity streams a kept body names: read as JSON when it is, as text otherwise (streamsNamedInText). */
export const streamsNamedByBody = (body: KeptBody): string[] =>
  body.json === undefined ? streamsNamedInText(body.bytes.toString('utf8')) : streamsNamed(body.json);

/** A quarantine record without the body: why it was kept stays, what it said goes. */
export const withoutBody = (data: unknown): Record<string, unknown> => {
  // The hash of the whole body would confirm a guess of its content.
  const { body_text: _text, body_base64: _base64, body_sha256: _sha256, ...kept } = isObject(data) ? data : {};
  return { ...kept, body_text: REDACTED };
};
