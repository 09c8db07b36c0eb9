import { describe } from 'vitest';
import { openEventStoreDb } from '../../src/store/eventstoredb.js';
import { describeEventStoreContract } from './event-store.contract.js';

/**
 * The contract suite against a real EventStoreDB server, e.g. `docker compose up -d eventstore.db` then
 * `ESDB_CONNECTION_STRING='esdb://127.0.0.1:2113?tls=false' npx vitest run test/store/eventstoredb`.
 * Without a server every contract test is reported as skipped, by name; nothing passes by default.
 */
const connectionString = process.env['ESDB_CONNECTION_STRING'];

if (connectionString === undefined || connectionString === '') {
  console.warn(
    'SKIPPED: EventStoreDB contract suite (set ESDB_CONNECTION_STRING, e.g. after docker compose up -d eventstore.db)',
  );
}

describe.skipIf(connectionString === undefined || connectionString === '')(
  'EventStoreDB server at ESDB_CONNECTION_STRING',
  () => {
    describeEventStoreContract('eventstoredb', { open: () => openEventStoreDb(connectionString ?? '') });
  },
);
