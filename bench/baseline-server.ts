import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The yardsticks of intake (issue 11), each run by bench/intake-http.ts in a child process of its own and driven
 * by the same load as the service: `do-nothing` reads the body and answers 202; `naive-receiver` parses the
 * body, inserts it with one SQLite INSERT (its own transaction; WAL, synchronous as the service's SQLITE_DURABILITY
 * in the same run: FULL or NORMAL) and answers 202 after the commit. Other methods (the bench's readiness probe) get 200.
 */
export type BaselineKind = 'do-nothing' | 'naive-receiver';

const naiveReceiver = (dataDir: string, durability: string | undefined) => {
  const db = new Database(join(dataDir, 'deliveries.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.exec('CREATE TABLE deliveries (id INTEGER PRIMARY KEY, delivery_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO deliveries (delivery_id, event, body) VALUES (?, ?, ?)');
  return (body: Buffer) => {
    const text = body.toString('utf8');
    const delivery = JSON.parse(text) as { delivery_id: string; event: string };
    insert.run(delivery.delivery_id, delivery.event, text);
  };
};

const receivers: Record<BaselineKind, () => (body: Buffer) => void> = {
  'do-nothing': () => () => undefined,
  'naive-receiver': () => naiveReceiver(process.env['DATA_DIR'] ?? '.', process.env['SQLITE_DURABILITY']),
};
const kind = process.env['BASELINE'];
if (kind !== 'do-nothing' && kind !== 'naive-receiver') throw new Error(`BASELINE must be one of ${Object.keys(receivers).join(', ')}`);
const receive = receivers[kind]();

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST') return void response.writeHead(200).end();
    try {
      receive(Buffer.concat(chunks));
      response.writeHead(202).end();
    } catch {
      response.writeHead(400).end();
    }
  });
}).listen(Number(process.env['PORT']), process.env['HOST']);
