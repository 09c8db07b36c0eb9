import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Reads of the log at once by default: each holds at most a page and a few events, but they share the one request
 * thread, so more than a few per core only slows every one of them (and /health) down.
 */
const defaultMaxInflightLogReads = (): number => Math.max(4, 2 * availableParallelism());

/** Shorter secrets are a guess away; SkyLight's own are far longer. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** Set but blank is a mistake (a deployment that meant to set it), never "off"; unset means off. */
const SET_BUT_BLANK = 'set but blank: give a value or unset the variable';

/** Several secrets, comma-separated, while a rotation is under way; each entry must be a real secret. */
const secretList = z
  .string()
  .optional()
  .transform((value, context): string[] | undefined => {
    if (value === undefined) return undefined;
    if (value.trim() === '') {
      context.addIssue({ code: 'custom', message: SET_BUT_BLANK });
      return undefined;
    }
    const entries = value.split(',').map((entry) => entry.trim());
    entries.forEach((entry, index) => {
      const which = `entry ${index + 1} of ${entries.length}`;
      if (entry === '') context.addIssue({ code: 'custom', message: `${which} is empty (secrets are separated by commas)` });
      else if (entry.length < MIN_WEBHOOK_SECRET_LENGTH) {
        context.addIssue({ code: 'custom', message: `${which} is shorter than ${MIN_WEBHOOK_SECRET_LENGTH} characters` });
      }
    });
    return entries;
  });

export const MIN_API_TOKEN_LENGTH = 32;

/** The query API's token, used as given, untrimmed: the comparison is over exactly these characters. */
const apiToken = z
  .string()
  .superRefine((value, context) => {
    if (value.trim() === '') context.addIssue({ code: 'custom', message: SET_BUT_BLANK });
    else if (value.length < MIN_API_TOKEN_LENGTH) context.addIssue({ code: 'custom', message: `must be at least ${MIN_API_TOKEN_LENGTH} characters` });
  })
  .optional();

/** Every setting the service reads, from environment variables. One schema, one place to document them. */
export const Config = z
  .object({
    // Not z.coerce: it reads an empty PORT= as 0, a random port.
    PORT: z
      .string()
      .regex(/^\d+$/, 'a port number, 0-65535')
      .default('3000')
      .transform(Number)
      .pipe(z.number().max(65535, 'a port number, 0-65535')),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    READ_MODEL_DB: optionalText,
    /** The read model in PostgreSQL (`postgres://…`) rather than the embedded file. */
    READ_MODEL_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// address')
      .optional()
      .transform((value) => (value === '' ? undefined : value)),
    READ_MODEL_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL name').default('skylight'),
    EVENT_STORE: z.enum(['sqlite', 'eventstoredb']).default('sqlite'),
    ESDB_CONNECTION_STRING: optionalText,
    // `normal` loses the commits since the last checkpoint to a power loss or a filesystem error: opt-in only.
    SQLITE_DURABILITY: z.enum(['normal', 'full']).default('full'),
    /** What to do with a read model whose checkpoints are not positions of this event log (see docs/configuration.md). */
    FOREIGN_READ_MODEL: z.enum(['rebuild', 'refuse']).default('rebuild'),
    WEBHOOK_SECRET: secretList,
    // Refused rather than ignored: whoever sets it believes stale deliveries are refused, and they are not.
    WEBHOOK_TOLERANCE_S: z
      .undefined({ error: 'not supported: X-Skylight-Timestamp is not covered by the signature, so no replay window can be enforced; unset it' })
      .optional(),
    API_TOKEN: apiToken,
    MAX_BODY_BYTES: positiveInt(1024 * 1024),
    MAX_INFLIGHT_INTAKE: positiveInt(512),
    MAX_INFLIGHT_LOG_READS: positiveInt(defaultMaxInflightLogReads()),
    REQUEST_TIMEOUT_MS: positiveInt(30_000),
    HEADERS_TIMEOUT_MS: positiveInt(10_000),
    CONNECTION_TIMEOUT_MS: positiveInt(10_000),
    MAX_CONNECTIONS: positiveInt(1024),
    MIN_POSITION_WAIT_MS: positiveInt(2000),
    STALL_AFTER_MS: positiveInt(30_000),
    // Off by default: an erasure ends the audit trail of the contact's values.
    ERASE_ON_CONTACT_DELETED: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
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
    if (config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
      context.addIssue({ code: 'custom', path: ['HEADERS_TIMEOUT_MS'], message: 'must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)' });
    }
  });
export type Config = z.infer<typeof Config>;

/** Each node keeps its own read model; by default in the data directory, beside the embedded log. */
export const readModelPath = (config: Pick<Config, 'DATA_DIR' | 'READ_MODEL_DB'>): string =>
  config.READ_MODEL_DB ?? join(config.DATA_DIR, 'read-model.db');

/** Reads the configuration; a bad value is reported with the variable's name and what was expected. */
export const parseConfig = (env: Readonly<Record<string, string | undefined>>): E.Either<string, Config> => {
  const result = Config.safeParse(env);
  if (result.success) return E.right(result.data);
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  return E.left(`invalid configuration:\n${lines.join('\n')}`);
};
