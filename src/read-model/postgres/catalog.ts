import { setTimeout as pause } from 'node:timers/promises';
import type { Projection } from '../../../projections/projection.js';
import { CheckpointMoved, UNBUILT_VERSION, viewDifferences, type ProjectionTarget, type ReadModelCatalog, type ReadModelEntry, type ScratchPurpose } from '../read-model-catalog.js';
import pg from 'pg';
import { inlined, inTransaction, LOCK_NOT_AVAILABLE, LOCK_TIMEOUT, RETRY_PAUSE_MS, sqlState, type Client, type Sql } from './connection.js';
import { pointViewSql, publicViewOf } from './public-views.js';
import { arrayLiteral, createIndexSql, createTableSql, safeName } from './table-layout.js';
import { CHECKPOINTS_CHANNEL } from './writer-lease.js';

const generationPrefix = (projection: Projection) => `rm_${projection.name}_v${projection.version}_g`;

/** The catalog's own tables, created once per schema. */
export const catalogSchemaSql = (schema: string): string[] => {
  const s = safeName(schema);
  return [
    // Not CREATE SCHEMA IF NOT EXISTS: that asks for CREATE on the database even when a DBA made the schema for us.
    `DO $$ BEGIN IF to_regnamespace('${s}') IS NULL THEN CREATE SCHEMA ${s}; END IF; END $$`,
    `CREATE TABLE IF NOT EXISTS ${s}.read_models (name text PRIMARY KEY, version integer NOT NULL, table_name text NOT NULL, position bigint NOT NULL, updated_at text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.rebuilds (table_name text PRIMARY KEY, name text NOT NULL, version integer NOT NULL, purpose text NOT NULL, position bigint NOT NULL, updated_at text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.log_identity (id integer PRIMARY KEY CHECK (id = 1), identity text NOT NULL, recorded_at text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.skipped_events (position bigint PRIMARY KEY, event_id text NOT NULL, type text NOT NULL, reason text NOT NULL)`,
  ];
};

/**
 * A schema change, in one transaction. Several nodes' changes are taken one at a time (CREATE … IF NOT EXISTS races
 * otherwise). Each lock is waited for at most LOCK_TIMEOUT: a person's long query on a view then delays the change
 * (it is tried again until it gets through) instead of holding every later reader of that view behind it.
 */
export const inSchemaChange = async <A>(sql: Sql, schema: string, work: (client: Client) => Promise<A>): Promise<A> => {
  for (;;) {
    try {
      return await inTransaction(sql, async (client) => {
        await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`skylight-schema:${schema}`]);
        return work(client);
      });
    } catch (error) {
      if (sqlState(error) !== LOCK_NOT_AVAILABLE) throw error;
      await pause(RETRY_PAUSE_MS);
    }
  }
};

/** Points each projection's view at its table, or at no rows; the view's own lock is taken here. */
const pointViews = async (client: Client, schema: string, tables: readonly { readonly name: string; readonly table: string | undefined }[]) => {
  for (const { name, table } of tables) for (const statement of pointViewSql(schema, name, table)) await client.query(statement);
};

/** Projections whose view is not there yet (a read model made before the views were). */
const withoutView = async (client: Client, schema: string, names: readonly string[]): Promise<Set<string>> => {
  const missing = new Set<string>();
  for (const name of names) {
    const view = publicViewOf(schema, name);
    if (view !== undefined && (await client.query<{ oid: unknown }>('SELECT to_regclass($1) AS oid', [view])).rows[0]?.oid === null) missing.add(name);
  }
  return missing;
};

const nextGeneration = async (client: Client, schema: string, projection: Projection): Promise<number> => {
  const prefix = generationPrefix(projection);
  const { rows } = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND left(table_name, length($2)) = $2',
    [schema, prefix],
  );
  return Math.max(0, ...rows.map((row) => Number(row.table_name.slice(prefix.length))).filter(Number.isInteger)) + 1;
};

const entriesOf = async (client: Sql | Client, schema: string): Promise<ReadModelEntry[]> =>
  (await client.query<ReadModelEntry>(`SELECT name, version, table_name, position, updated_at FROM ${safeName(schema)}.read_models ORDER BY name`)).rows;

const dropTable = (client: Client, schema: string, table: string) => client.query(`DROP TABLE IF EXISTS ${safeName(schema)}.${safeName(table)}`);

/** Each projection's live table, generation 0, where it has none; the views of those it created (or lacked) pointed at theirs. */
const ensureTables = async (client: Client, schema: string, projections: readonly Projection[], now: string): Promise<void> => {
  const s = safeName(schema);
  const entries = await entriesOf(client, schema);
  const existing = new Set(entries.map((e) => e.name));
  // As in the embedded catalog: one added beside projections that have applied the log waits for the rebuild.
  const applied = entries.some((e) => e.position > 0);
  const unseen = await withoutView(client, schema, projections.map((p) => p.name));
  for (const projection of projections) {
    if (existing.has(projection.name)) continue;
    unseen.add(projection.name);
    const version = applied ? UNBUILT_VERSION : projection.version;
    const table = safeName(`rm_${projection.name}_v${version}_g0`);
    for (const statement of createTableSql(schema, projection.name, table)) await client.query(statement);
    await client.query(`INSERT INTO ${s}.read_models (name, version, table_name, position, updated_at) VALUES ($1, $2, $3, 0, $4)`, [
      projection.name,
      version,
      table,
      now,
    ]);
  }
  const live = (await entriesOf(client, schema)).filter((e) => unseen.has(e.name));
  await pointViews(client, schema, live.map((e) => ({ name: e.name, table: e.table_name })));
};

/** Scratch tables beside the live ones (the next generation, or one to verify into), leftovers of the same purpose dropped. */
const createScratchTables = async (
  client: Client,
  schema: string,
  projections: readonly Projection[],
  purpose: ScratchPurpose,
  now: string,
): Promise<ProjectionTarget[]> => {
  const s = safeName(schema);
  const names = projections.map((p) => p.name);
  const { rows: leftovers } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.rebuilds WHERE purpose = $1 AND name = ANY($2)`, [
    purpose,
    names,
  ]);
  for (const { table_name: table } of leftovers) {
    await client.query(`DELETE FROM ${s}.rebuilds WHERE table_name = $1`, [table]);
    await dropTable(client, schema, table);
  }
  const targets: ProjectionTarget[] = [];
  for (const projection of projections) {
    const table = safeName(
      purpose === 'verify' ? `rm_${projection.name}_v${projection.version}_verify` : `${generationPrefix(projection)}${await nextGeneration(client, schema, projection)}`,
    );
    for (const statement of createTableSql(schema, projection.name, table, { indexed: false })) await client.query(statement);
    await client.query(`INSERT INTO ${s}.rebuilds (table_name, name, version, purpose, position, updated_at) VALUES ($1, $2, $3, $4, 0, $5)`, [
      table,
      projection.name,
      projection.version,
      purpose,
      now,
    ]);
    targets.push({ projection, tableName: table, position: 0, kind: 'scratch' });
  }
  return targets;
};

/** Scratch tables made live, each in the catalog and under its view in the same transaction; the tables they replace dropped. */
const swapTablesIn = async (client: Client, schema: string, targets: readonly ProjectionTarget[], now: string): Promise<ProjectionTarget[]> => {
  const s = safeName(schema);
  const swapped: ProjectionTarget[] = [];
  for (const target of targets) {
    const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.read_models WHERE name = $1`, [target.projection.name]);
    await client.query(
      `INSERT INTO ${s}.read_models (name, version, table_name, position, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, table_name = excluded.table_name, position = excluded.position, updated_at = excluded.updated_at`,
      [target.projection.name, target.projection.version, target.tableName, target.position, now],
    );
    await client.query(`DELETE FROM ${s}.rebuilds WHERE table_name = $1`, [target.tableName]);
    await pointViews(client, schema, [{ name: target.projection.name, table: target.tableName }]);
    const old = rows[0]?.table_name;
    if (old !== undefined && old !== target.tableName) await dropTable(client, schema, old);
    swapped.push({ ...target, kind: 'live' });
  }
  return swapped;
};

/** Scratch tables put in service: their filter indexes built first, outside the swap, so that it holds its locks only for its moment. */
const swapIn = async (sql: Sql, schema: string, targets: readonly ProjectionTarget[], now: string): Promise<ProjectionTarget[]> => {
  for (const target of targets) for (const statement of createIndexSql(schema, target.projection.name, target.tableName)) await sql.query(statement);
  return inSchemaChange(sql, schema, (client) => swapTablesIn(client, schema, targets, now));
};

export const postgresReadModelCatalog = (sql: Sql, schema: string): ReadModelCatalog => {
  const s = safeName(schema);
  const entries = (client: Sql | Client = sql) => entriesOf(client, schema);

  return {
    ensure: (projections, now) => inSchemaChange(sql, schema, (client) => ensureTables(client, schema, projections, now)),
    entries: () => entries(),
    liveTargets: async (projections) => {
      const byName = new Map((await entries()).map((e) => [e.name, e]));
      return projections.flatMap((projection): ProjectionTarget[] => {
        const entry = byName.get(projection.name);
        return entry === undefined || entry.version !== projection.version ? [] : [{ projection, tableName: entry.table_name, position: entry.position, kind: 'live' }];
      });
    },
    // Only an older table is outdated: in a database several nodes share, a newer one belongs to the newer nodes of a
    // rolling upgrade, which an older node must neither write nor rebuild back.
    outdated: async (projections) => {
      const byName = new Map((await entries()).map((e) => [e.name, e]));
      return projections.filter((p) => (byName.get(p.name)?.version ?? p.version) < p.version);
    },
    createScratch: (projections, purpose: ScratchPurpose, now) => inSchemaChange(sql, schema, (client) => createScratchTables(client, schema, projections, purpose, now)),
    dropScratch: (targets) =>
      inTransaction(sql, async (client) => {
        for (const target of targets.filter((t) => t.kind === 'scratch')) {
          await client.query(`DELETE FROM ${s}.rebuilds WHERE table_name = $1`, [target.tableName]);
          await dropTable(client, schema, target.tableName);
        }
      }),
    swapIn: (targets, now) => swapIn(sql, schema, targets, now),
    differingViews: async (scratch, examples) => {
      const entry = (await entries()).find((e) => e.name === scratch.projection.name);
      const live = safeName(entry?.table_name ?? scratch.tableName);
      const { rows } = await sql.query<{ key: string; live: string | null; rebuilt: string | null }>(
        `SELECT coalesce(l.key, r.key) AS key, l.view AS live, r.view AS rebuilt
         FROM ${s}.${live} l FULL OUTER JOIN ${s}.${safeName(scratch.tableName)} r ON l.key = r.key
         WHERE l.view IS DISTINCT FROM r.view ORDER BY coalesce(l.sort_key, r.sort_key)`,
      );
      return viewDifferences(entry?.position ?? 0, rows, examples);
    },
    logIdentity: async () => (await sql.query<{ identity: string }>(`SELECT identity FROM ${s}.log_identity`)).rows[0]?.identity,
    recordLogIdentity: async (identity, now) => {
      await sql.query(
        `INSERT INTO ${s}.log_identity (id, identity, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET identity = excluded.identity, recorded_at = excluded.recorded_at`,
        [identity, now],
      );
    },
    highestCheckpoint: async () =>
      (await sql.query<{ position: number | null }>(`SELECT max(position) AS position FROM (SELECT position FROM ${s}.read_models UNION ALL SELECT position FROM ${s}.rebuilds) p`))
        .rows[0]?.position ?? 0,
    forgetAll: () =>
      inSchemaChange(sql, schema, async (client) => {
        await pointViews(client, schema, (await entries(client)).map((e) => ({ name: e.name, table: undefined })));
        const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.read_models UNION SELECT table_name FROM ${s}.rebuilds`);
        for (const { table_name: table } of rows) await dropTable(client, schema, table);
        await client.query(`DELETE FROM ${s}.read_models; DELETE FROM ${s}.rebuilds; DELETE FROM ${s}.skipped_events; DELETE FROM ${s}.log_identity`);
      }),
    skippedByType: async () =>
      Object.fromEntries(
        (await sql.query<{ type: string; events: number }>(`SELECT type, count(*)::int AS events FROM ${s}.skipped_events GROUP BY type`)).rows.map((r) => [r.type, r.events]),
      ),
  };
};

/** What a commit's checkpoint statement raises when a checkpoint was not where the commit expected it. */
const CHECKPOINT_MOVED = 'SKCPM';

/**
 * The statements that move the targets' checkpoints, each by compare-and-set on the position it holds, to run in the
 * commit's transaction: one block per catalog table, which raises CHECKPOINT_MOVED (naming the projections that were
 * not where expected) so that the whole commit is undone; then, for the live tables, the notify the nodes that
 * stand by read (delivered at COMMIT).
 */
export const checkpointMovesSql = (schema: string, moves: readonly { readonly target: ProjectionTarget; readonly to: number }[], now: string): string[] => {
  const statements: string[] = [];
  for (const kind of ['live', 'scratch'] as const) {
    const moving = moves.filter(({ target, to }) => target.kind === kind && to !== target.position);
    if (moving.length === 0) continue;
    const table = `${safeName(schema)}.${kind === 'live' ? 'read_models' : 'rebuilds'}`;
    const planned = inlined('unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS m(name, table_name, from_position, to_position)', [
      arrayLiteral(moving.map(({ target }) => target.projection.name)),
      arrayLiteral(moving.map(({ target }) => target.tableName)),
      arrayLiteral(moving.map(({ target }) => target.position)),
      arrayLiteral(moving.map(({ to }) => to)),
    ]);
    statements.push(`DO $moves$ DECLARE moved integer; BEGIN
      UPDATE ${table} AS c SET position = m.to_position, updated_at = ${pg.escapeLiteral(now)} FROM ${planned}
      WHERE c.name = m.name AND c.table_name = m.table_name AND c.position = m.from_position;
      GET DIAGNOSTICS moved = ROW_COUNT;
      IF moved <> ${moving.length} THEN
        RAISE EXCEPTION USING ERRCODE = '${CHECKPOINT_MOVED}', MESSAGE = (SELECT string_agg(m.name, ',') FROM ${planned}
          WHERE NOT EXISTS (SELECT 1 FROM ${table} c WHERE c.name = m.name AND c.table_name = m.table_name AND c.position = m.to_position));
      END IF;
    END $moves$`);
    if (kind === 'live') statements.push(inlined('SELECT pg_notify($1, $2)', [CHECKPOINTS_CHANNEL, schema]));
  }
  return statements;
};

/** The commit failed because a checkpoint had moved: the projection it names. */
export const checkpointMovedBy = (error: unknown): CheckpointMoved | undefined =>
  sqlState(error) === CHECKPOINT_MOVED && error instanceof Error ? new CheckpointMoved(error.message.split(',')[0] ?? '') : undefined;
