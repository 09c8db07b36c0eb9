import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { eventually } from '../support/eventually.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { prometheusSamples } from '../support/prometheus-text.js';
import { differencesFromFold } from '../support/read-model-against-fold.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { skylightTraffic, type TrafficDelivery } from '../support/skylight-traffic.js';
import { makeTempDir } from '../support/temp-dir.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('two nodes over one PostgreSQL read model, the writer SIGKILLed');

type Answer = { status: number; event_id?: string; position?: number };
type Readiness = { role: string };

/** A delivery posted to a node; undefined when the node is gone (its connection refused or reset). */
const post = async (node: ServerProcess, delivery: TrafficDelivery): Promise<Answer | undefined> => {
  try {
    const response = await fetch(`${node.url}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delivery) });
    return { ...((await response.json()) as object), status: response.status };
  } catch {
    return undefined;
  }
};

const roleOf = async (node: ServerProcess): Promise<string> => ((await (await fetch(`${node.url}/ready`)).json()) as Readiness).role;

describe.skipIf(!available)('two service nodes over one log and one PostgreSQL read model', () => {
  let work: ReturnType<typeof makeTempDir>;
  let schema: ReturnType<typeof freshSchema>;
  let nodes: ServerProcess[] = [];

  beforeEach(() => {
    work = makeTempDir('two-nodes-pg');
    schema = freshSchema();
  });
  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    nodes = [];
    work.remove();
    await schema.drop();
  });

  it('has one writer; when it is SIGKILLed mid-traffic the standby takes over within seconds, and every acknowledged delivery is in the rows', async () => {
    const env = { DATA_DIR: join(work.path, 'log'), READ_MODEL_URL: TEST_POSTGRES_URL, READ_MODEL_SCHEMA: schema.name };
    const first = await startServerProcess(env);
    nodes.push(first);
    await eventually('the first node is the writer', async () => ((await roleOf(first)) === 'writer' ? true : undefined));
    const second = await startServerProcess(env);
    nodes.push(second);
    expect(await roleOf(second)).toBe('standby');
    const overview = (await (await fetch(`${second.url}/overview`)).json()) as Readiness;
    expect(overview.role).toBe('standby');
    const metrics = prometheusSamples(await (await fetch(`${first.url}/metrics`)).text());
    expect([metrics.get('skylight_runner_role{role="writer"}'), metrics.get('skylight_runner_role{role="standby"}')]).toEqual([1, 0]);

    const traffic = skylightTraffic({ seed: 21, contacts: 60 });
    const acknowledged: Answer[] = [];
    let killedAt: number | undefined;
    for (let start = 0; start < traffic.length; start += 8) {
      if (killedAt === undefined && start >= traffic.length / 2) {
        await first.stop('SIGKILL');
        killedAt = performance.now();
      }
      const round = traffic.slice(start, start + 8).map(async (delivery, i) => {
        // Spread over both; what the dead node cannot take goes to the other, as the provider's retry would.
        const answer = (await post((start + i) % 2 === 0 ? first : second, delivery)) ?? (await post(second, delivery));
        if (answer !== undefined && (answer.status === 200 || answer.status === 202)) acknowledged.push(answer);
        return answer?.status;
      });
      expect((await Promise.all(round)).filter((status) => status !== 200 && status !== 202)).toEqual([]);
    }

    await eventually('the standby is the writer', async () => ((await roleOf(second)) === 'writer' ? true : undefined));
    const takeoverSeconds = (performance.now() - (killedAt ?? 0)) / 1000;
    expect(takeoverSeconds).toBeLessThan(15);
    const head = Math.max(...acknowledged.map((answer) => answer.position ?? 0));
    expect((await fetch(`${second.url}/contacts?limit=1&min_position=${head}`)).status).toBe(200);
    // Retries answered duplicate put their attempts in the log after the positions acknowledged: the whole log applied.
    await eventually('the new writer has applied the whole log', async () => (((await (await fetch(`${second.url}/ready`)).json()) as { status: string }).status === 'ready' ? true : undefined));
    expect(await second.stop('SIGTERM')).toBe(0);

    const log = openSqliteEventStore(join(env.DATA_DIR, 'events.db'));
    const readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    try {
      const stored = new Set<string>();
      for await (const event of log.readAll()) stored.add(event.id);
      expect(acknowledged.filter((answer) => !stored.has(answer.event_id ?? ''))).toEqual([]);
      const { compared, differences } = await differencesFromFold(log, readModel);
      expect(compared).toBeGreaterThan(60);
      expect(differences).toEqual([]);
      const logHead = await log.headPosition();
      if (E.isLeft(logHead)) throw new Error(`the log cannot be read: ${logHead.left.kind}`);
      expect(logHead.right).toBeGreaterThanOrEqual(head);
      expect(new Set((await readModel.catalog.entries()).map((entry) => entry.position))).toEqual(new Set([logHead.right]));
    } finally {
      await readModel.close();
      await log.close();
    }
  }, 180_000);
});
