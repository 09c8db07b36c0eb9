import type { z } from 'zod';

export type DataIssue = { readonly path: string; readonly message: string };

/** Why a delivery's content could not be read as the event it claims to be. */
export type EventDataError = { readonly kind: 'invalid_data'; readonly reason: string; readonly issues: readonly DataIssue[] };

const pathText = (root: string, path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), root);

export const eventDataError = (root: string, error: z.ZodError): EventDataError => {
  const issues = error.issues.map((issue) => ({ path: pathText(root, issue.path), message: issue.message }));
  return { kind: 'invalid_data', reason: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
};

export const singleIssue = (path: string, message: string): EventDataError => ({
  kind: 'invalid_data',
  reason: `${path}: ${message}`,
  issues: [{ path, message }],
});
