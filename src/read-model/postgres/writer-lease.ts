import pg from 'pg';
import type { LeaseChange, WriterLease } from '../writer-lease.js';

/** What every commit to the live tables notifies, with its schema as the payload: the standbys read the checkpoints then. */
export const CHECKPOINTS_CHANNEL = 'skylight_checkpoints';

/**
 * How soon PostgreSQL ends the session (and with it the lease) of a writer the network cut off: keepalive probes
 * after 5 s of silence, 3 of them 2 s apart, and no more than 10 s for data sent to go unacknowledged. A writer that
 * dies ends its session at once: the kernel closes its sockets.
 */
const SESSION_KEEPALIVES = ['SET tcp_keepalives_idle = 5', 'SET tcp_keepalives_interval = 2', 'SET tcp_keepalives_count = 3', 'SET tcp_user_timeout = 10000'];

/** How often the holder makes sure its session is still there, and how long it waits for the answer: its own bound. */
const HEARTBEAT_MS = 2_000;

/** The lease's own connection: out of the pool, kept alive, and never waiting long for an answer. */
const leaseSession = (url: string) =>
  new pg.Client({
    connectionString: url,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
    query_timeout: HEARTBEAT_MS,
    application_name: 'skylight-projector writer lease',
  });

/** The holder's look at its own session: a session that does not answer within HEARTBEAT_MS is taken as gone. */
const heartbeatOf = (client: pg.Client, gone: (client: pg.Client) => void): NodeJS.Timeout => {
  const timer = setInterval(() => void client.query('SELECT 1').catch(() => gone(client)), HEARTBEAT_MS);
  timer.unref();
  return timer;
};

/**
 * The writer's lease on a shared PostgreSQL read model: a session-level advisory lock held by a connection of its
 * own, which also listens for the writer's commits. PostgreSQL ends the lock with the session, so a writer that dies
 * or is cut off lets the next node in; the checkpoints' compare-and-set keeps a writer that has not noticed yet from
 * applying anything twice.
 */
export const postgresWriterLease = (url: string, schema: string): WriterLease => {
  const key = `skylight-writer:${schema}`;
  const listeners = new Set<(change: LeaseChange) => void>();
  let session: pg.Client | undefined;
  let held = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const tell = (change: LeaseChange) => {
    for (const listener of listeners) listener(change);
  };

  const drop = (client: pg.Client) => {
    if (session !== client) return;
    session = undefined;
    clearInterval(heartbeat);
    const wasHeld = held;
    held = false;
    // Not awaited: over a cut network the goodbye would wait for TCP's own timeout.
    client.end().catch(() => undefined);
    if (wasHeld) tell('lost');
  };

  const connect = async (): Promise<pg.Client> => {
    const client = leaseSession(url);
    client.on('error', () => drop(client));
    client.on('end', () => drop(client));
    client.on('notification', (message) => {
      if (message.payload === schema) tell('moved');
    });
    await client.connect();
    session = client;
    for (const statement of SESSION_KEEPALIVES) await client.query(statement);
    await client.query(`LISTEN ${CHECKPOINTS_CHANNEL}`);
    return client;
  };

  return {
    acquire: async () => {
      if (held) return true;
      let client = session;
      try {
        client ??= await connect();
        const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [key]);
        held = rows[0]?.held === true;
      } catch {
        if (client !== undefined) drop(client);
        return false;
      }
      if (held) heartbeat = heartbeatOf(client, drop);
      return held;
    },
    onChange: (listener) => void listeners.add(listener),
    release: async () => {
      const client = session;
      if (client === undefined) return;
      session = undefined;
      clearInterval(heartbeat);
      held = false;
      // The lock is the session's: it ends with it.
      await client.end().catch(() => undefined);
    },
  };
};
