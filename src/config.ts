import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting the service reads, from environment variables. One schema, one place to document them. */
export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    EVENT_STORE: z.enum(['sqlite', 'eventstoredb']).default('sqlite'),
    ESDB_CONNECTION_STRING: optionalText,
    SQLITE_DURABILITY: z.enum(['normal', 'full']).default('normal'),
    WEBHOOK_SECRET: optionalText,
    WEBHOOK_TOLERANCE_S: z.coerce.number().int().positive().optional(),
    API_TOKEN: optionalText,
    MAX_BODY_BYTES: positiveInt(1024 * 1024),
    MAX_INFLIGHT_INTAKE: positiveInt(512),
    MIN_POSITION_WAIT_MS: positiveInt(2000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, context) => {
    if (config.EVENT_STORE === 'eventstoredb' && config.ESDB_CONNECTION_STRING === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['ESDB_CONNECTION_STRING'],
        message: 'required when EVENT_STORE=eventstoredb (e.g. esdb://localhost:2113?tls=false)',
      });
    }
  });
export type Config = z.infer<typeof Config>;

/** Reads the configuration; a bad value is reported with the variable's name and what was expected. */
export const parseConfig = (env: Readonly<Record<string, string | undefined>>): E.Either<string, Config> => {
  const result = Config.safeParse(env);
  if (result.success) return E.right(result.data);
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  return E.left(`invalid configuration:\n${lines.join('\n')}`);
};
