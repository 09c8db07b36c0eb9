/**
 * The CLI's exit codes, so that a script can tell "run it again" from "fix the command line" (docs/cli.md):
 * 1 failed or found nothing asked for by id (the store unavailable, no such contact), 2 a bad configuration,
 * 3 `ingest` kept some lines aside, 64 a usage error (sysexits' EX_USAGE): nothing was read or changed.
 */
export const EXIT_USAGE = 64;

/** A command line the CLI cannot run: an unknown option, a value its schema refuses. */
export class UsageError extends Error {}
