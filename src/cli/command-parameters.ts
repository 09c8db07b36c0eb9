import type { z } from 'zod';
import { UsageError } from './exit-codes.js';

/** Commander's parsed options. */
export type Options = Record<string, string | boolean | undefined>;

/** A positional argument (`contact show <id>`), checked with the same schema as the API's path parameter. */
export const argument = <S extends z.ZodType>(schema: S, name: string, value: string): z.infer<S> => {
  const parsed = schema.safeParse({ [name]: value });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `<${name}>: ${issue.message}`).join('\n'));
  return parsed.data;
};

/** CLI flags become the same query parameters the HTTP API validates ("--contact-id 4" → contact_id=4). */
export const parameters = <S extends z.ZodType>(schema: S, options: Options): z.infer<S> => {
  const entries = Object.entries(options)
    .filter(([name, value]) => name !== 'json' && value !== undefined)
    .map(([name, value]) => [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), String(value)]);
  const parsed = schema.safeParse(Object.fromEntries(entries));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.').replaceAll('_', '-')}: ${issue.message}`);
    throw new UsageError(problems.join('\n'));
  }
  return parsed.data;
};
