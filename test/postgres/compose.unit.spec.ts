import { readdirSync, readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config.js';
import { isLoopbackHost } from '../../src/http/app.js';

/**
 * No Docker engine runs here: the compose files are read as compose reads them (YAML with merge keys, `${VAR…}`
 * interpolated from the environment of the command) and what each documented `docker compose up` would start is
 * checked against what the app and PostgreSQL require to start.
 */
type Service = {
  readonly image?: string;
  readonly build?: string;
  readonly environment?: readonly string[] | Readonly<Record<string, string | number>>;
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, unknown>>;
};
type ComposeFile = { readonly services: Readonly<Record<string, Service>> };

/** A value each variable a command sets stands for (the docs write `…`): one the app accepts. */
const SAMPLE: Readonly<Record<string, string>> = { API_TOKEN: 'a'.repeat(40), WEBHOOK_SECRET: 's'.repeat(24), POSTGRES_PASSWORD: 'pw-sample' };

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, as compose interpolates them. */
const interpolate = (text: string, env: Readonly<Record<string, string>>): string =>
  text.replace(/\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (_, name: string, colon: string | undefined, kind: string | undefined, rest: string) => {
    const value = env[name];
    const missing = value === undefined || (colon === ':' && value === '');
    if (kind === '?' && missing) throw new Error(`${name}: ${rest}`);
    return kind === '-' && missing ? rest : (value ?? '');
  });

const read = (file: string): ComposeFile => {
  const parsed: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  if (typeof parsed !== 'object' || parsed === null || !('services' in parsed)) throw new Error(`${file} has no services`);
  return parsed as ComposeFile;
};

/** A service's environment once interpolated; a variable passed through (`- API_TOKEN`) only when the shell sets it. */
const environmentOf = (service: Service, env: Readonly<Record<string, string>>): Record<string, string> => {
  const entries: [string, string | undefined][] = Array.isArray(service.environment)
    ? service.environment.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, env[entry]] : [entry.slice(0, at), interpolate(entry.slice(at + 1), env)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), env)]);
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
};

/** Every service's environment, as compose reads the whole file whichever services are started. */
const environments = (file: ComposeFile, env: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(file.services).map(([name, service]) => [name, environmentOf(service, env)]));

/** The services `up` starts: those named (all when none is) and what they depend on. */
const started = (file: ComposeFile, named: readonly string[]): Set<string> => {
  const pending = named.length === 0 ? Object.keys(file.services) : [...named];
  const seen = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...Object.keys(file.services[name]?.depends_on ?? {}));
  }
  return seen;
};

type Command = { readonly where: string; readonly text: string; readonly env: Record<string, string>; readonly file: string; readonly services: string[] };

/** Every `docker compose … up` the README, the docs and the compose files' own comments show. */
const documentedCommands = (): Command[] => {
  const pages = ['README.md', 'docker-compose.yml', 'docker-compose.cluster.yml', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return pages.flatMap((where) =>
    [...readFileSync(where, 'utf8').matchAll(/((?:[A-Z_]+=\S*\s+)*docker compose [^`\n#]*)/g)].flatMap(([text = '']) => {
      const words = text.trim().split(/\s+/);
      const at = words.indexOf('docker');
      const args = words.slice(at + 2);
      if (!args.includes('up')) return [];
      const fileAt = args.indexOf('-f');
      return [
        {
          where,
          text: text.trim(),
          env: Object.fromEntries(words.slice(0, at).map((word) => [word.split('=')[0] ?? '', SAMPLE[word.split('=')[0] ?? ''] ?? 'x'])),
          file: fileAt < 0 ? 'docker-compose.yml' : (args[fileAt + 1] ?? ''),
          services: args.slice(args.indexOf('up') + 1).filter((arg) => !arg.startsWith('-')),
        },
      ];
    }),
  );
};

/** Why the app would not start with this environment: its configuration, then the rule of a non-loopback HOST. */
const appRefusal = (env: Readonly<Record<string, string>>): string | undefined => {
  const config = parseConfig(env);
  if (E.isLeft(config)) return config.left;
  const exposed = !isLoopbackHost(config.right.HOST);
  if (exposed && config.right.API_TOKEN === undefined) return 'API_TOKEN missing on a non-loopback HOST';
  if (exposed && config.right.WEBHOOK_SECRET === undefined) return 'WEBHOOK_SECRET missing on a non-loopback HOST';
  return undefined;
};

const isPostgres = (service: Service | undefined) => service?.image?.startsWith('postgres:') === true;

describe('the compose files and the commands the docs give for them', () => {
  const commands = documentedCommands();

  it('finds the documented commands, a start of everything among them for each file', () => {
    for (const file of ['docker-compose.yml', 'docker-compose.cluster.yml']) {
      expect(commands.filter((c) => c.file === file && c.services.length === 0).length, file).toBeGreaterThan(0);
    }
  });

  it.each(commands.map((c) => [`${c.where}: ${c.text}`, c] as const))('%s starts every service it names', (_, command) => {
    const file = read(command.file);
    const envs = environments(file, command.env);
    for (const name of started(file, command.services)) {
      const service = file.services[name];
      const env = envs[name] ?? {};
      if (service?.build !== undefined) {
        expect(appRefusal(env), `${name}: the app refuses to start`).toBeUndefined();
        const url = new URL(env['READ_MODEL_URL'] ?? 'postgres://none');
        const database = file.services[url.hostname];
        expect(isPostgres(database), `${name}: READ_MODEL_URL names the PostgreSQL service`).toBe(true);
        expect(Object.keys(service.depends_on ?? {})).toContain(url.hostname);
        // The password reaches node-postgres as PGPASSWORD, the server's own.
        expect(url.password).toBe('');
        expect(env['PGPASSWORD']).toBe(envs[url.hostname]?.['POSTGRES_PASSWORD']);
      }
      if (isPostgres(service)) expect(env['POSTGRES_PASSWORD'], `${name}: PostgreSQL initialises only with a password`).toBeTruthy();
    }
  });

  it.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s publishes PostgreSQL on the loopback only, its password from the environment', (path) => {
    const databases = Object.values(read(path).services).filter(isPostgres);
    expect(databases.length).toBe(1);
    for (const database of databases) {
      expect(database.ports?.length).toBeGreaterThan(0);
      for (const port of database.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
      expect(environmentOf(database, { POSTGRES_PASSWORD: 'from-the-shell' })['POSTGRES_PASSWORD']).toBe('from-the-shell');
    }
  });

  it('docker-compose.cluster.yml is the production shape: three EventStoreDB nodes, PostgreSQL, two stateless service nodes', () => {
    const file = read('docker-compose.cluster.yml');
    const services = Object.entries(file.services);
    const nodes = services.filter(([, s]) => s.image?.startsWith('eventstore/') === true).map(([name]) => name);
    const apps = services.filter(([, s]) => s.build !== undefined);
    expect(nodes.length).toBe(3);
    expect(apps.length).toBe(2);
    const envs = environments(file, SAMPLE);
    for (const [name] of apps) {
      const env = envs[name] ?? {};
      for (const node of nodes) expect(env['ESDB_CONNECTION_STRING']).toContain(`${node}:2113`);
      expect(env['READ_MODEL_URL']).toBe(envs[apps[0]?.[0] ?? '']?.['READ_MODEL_URL']);
      expect(env['READ_MODEL_DB']).toBeUndefined();
    }
  });
});
