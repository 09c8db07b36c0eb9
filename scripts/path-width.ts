// Path width (issue 20): how many of the project's own source files and functions one contact.updated delivery runs,
// from the HTTP request to its read-model row, over both threads (the request thread and the runner's worker).
//
// Measured, not read: the built server (dist/src/main.js, as `npm start` runs it, default configuration: embedded
// store and read model, no WEBHOOK_SECRET, no API_TOKEN) runs twice under NODE_V8_COVERAGE, each time on a fresh data
// directory, with the same warm-up traffic; the second run then takes N more contact.updated deliveries. V8's precise
// coverage counts every call of every function, in every thread; a function of dist/src or dist/projections whose
// calls (summed over the threads) grew by at least N from the first run to the second is on the per-delivery path.
// So that chance does not move a function across that line: every delivery goes alone (posted once the one before is
// read back from the read model), both runs' servers answer the same requests but for the N deliveries, and the
// second run idles longer (see deliverAlone, padTo and IDLE_MS).
//
//   npx tsx scripts/path-width.ts [--json] [--deliveries 300] [--warm-up 200] [--gap-ms 5] [--deadline-s 600]
//
// Loopback only; every wait is bounded by the deadline; temp directories are removed and the server is killed on
// any failure (and on Ctrl-C). See docs/performance.md, "Path width".
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../test/support/server-process.js';

type Options = { readonly json: boolean; readonly deliveries: number; readonly warmUp: number; readonly gapMs: number; readonly deadlineS: number };

const usage = 'usage: tsx scripts/path-width.ts [--json] [--deliveries N (1-5000, default 300)] [--warm-up W (1-5000, default 200)] [--gap-ms G (0-1000, default 5)] [--deadline-s S (default 600)]';

const parseOptions = (argv: readonly string[]): Options => {
  const options = { json: false, deliveries: 300, warmUp: 200, gapMs: 5, deadlineS: 600 };
  const bounded = (name: string, value: string | undefined, max: number, min = 1): number => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n < min || n > max) throw new Error(`${name}: a whole number from ${min} to ${max}\n${usage}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else if (arg === '--json') options.json = true;
    else if (arg === '--deliveries') options.deliveries = bounded(arg, argv[++i], 5000);
    else if (arg === '--warm-up') options.warmUp = bounded(arg, argv[++i], 5000);
    else if (arg === '--gap-ms') options.gapMs = bounded(arg, argv[++i], 1000, 0);
    else if (arg === '--deadline-s') options.deadlineS = bounded(arg, argv[++i], 3600);
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  return options;
};

const root = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const log = (line: string) => process.stderr.write(`path-width: ${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Clean-up and the deadline: whatever happens, the server is stopped and the temp directories go.

const cleanups: (() => void)[] = [];
const cleanUp = () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // best effort: the others still run
    }
  }
};
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `path-width-${prefix}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

let deadline = Number.POSITIVE_INFINITY;
const remainingMs = (what: string): number => {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`the deadline (--deadline-s) passed while ${what}`);
  return left;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// The traffic: the same in both runs, every delivery distinct in content (none is a duplicate).

const BASE_MS = Date.parse('2026-03-04T12:00:00.000Z');
/** The provider's timestamp form, microseconds included; one second apart, so that each update is the newest. */
const timestamp = (second: number) => new Date(BASE_MS + second * 1000).toISOString().replace('Z', '000Z');
const deliveryId = (n: number) => `0b1e6f0a-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A delivery, and the contact's name once the read model has applied it. */
type Delivery = { readonly contactId: number; readonly name: string; readonly body: string };

const created = (contactId: number): Delivery => {
  const at = timestamp(contactId);
  const name = `Contact ${contactId}`;
  const contact = {
    id: contactId,
    name,
    email: `contact${contactId}@example.com`,
    phone: `+1415555${String(contactId).padStart(4, '0')}`,
    type: 'whatsapp',
    status: 'active',
    blacklisted: false,
    tags: [],
    created_at: at,
  };
  return { contactId, name, body: JSON.stringify({ event: 'contact.created', delivery_id: deliveryId(contactId), timestamp: at, data: { contact } }) };
};

/** The k-th update (0-based) over `contacts` contacts, in turn; its name and time make it distinct. */
const updated = (k: number, contacts: number, from: number): Delivery => {
  const contactId = (k % contacts) + 1;
  const at = timestamp(from + k);
  const name = `Contact ${contactId}, update ${from + k}`;
  const contact = { id: contactId, name, tags: k % 2 === 0 ? ['vip'] : [], updated_at: at };
  return { contactId, name, body: JSON.stringify({ event: 'contact.updated', delivery_id: deliveryId(from + k), timestamp: at, data: { contact } }) };
};

const warmUpTraffic = (w: number): Delivery[] => [...Array.from({ length: w }, (_, i) => created(i + 1)), ...Array.from({ length: w }, (_, k) => updated(k, w, 10_000))];
const measuredTraffic = (w: number, n: number): Delivery[] => Array.from({ length: n }, (_, k) => updated(k, w, 100_000));

// ---------------------------------------------------------------------------------------------------------------
// HTTP to the child, over one keep-alive connection to 127.0.0.1, every answered request counted by its kind.

type Answer = { readonly status: number; readonly body: string };
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The kinds of request the script sends, each with a request that gives another of the kind: the second run sends
 * at least as many of each as the first (below). A kind is its route and status: the server's path depends on both.
 */
const PADDING: Record<string, string> = {
  'GET /health 200': '/health',
  'GET /contacts/:id 200': '/contacts/1',
  'GET /contacts/:id 404': '/contacts/999999999',
};

type Client = {
  readonly send: (method: string, path: string, body?: string) => Promise<Answer>;
  /** Answered requests by kind, e.g. `GET /contacts/:id 200`. */
  readonly sent: Map<string, number>;
  readonly close: () => void;
};

const client = (port: number): Client => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sent = new Map<string, number>();
  const send = (method: string, path: string, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const timeout = Math.min(REQUEST_TIMEOUT_MS, remainingMs(`${method} ${path}`));
      const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = request({ host: '127.0.0.1', port, method, path, agent, timeout, headers }, (response) => {
        const kind = `${method} ${path.replace(/\/\d+$/, '/:id')} ${response.statusCode ?? 0}`;
        sent.set(kind, (sent.get(kind) ?? 0) + 1);
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeout} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return { send, sent, close: () => agent.destroy() };
};

/**
 * Waits until the read model shows the delivery: GET /contacts/{id} (no min_position: its wait has a path of its own)
 * until the contact has the delivery's name, a pause apart.
 */
const awaitRow = async (http: Client, delivery: Delivery, gapMs: number): Promise<void> => {
  for (;;) {
    const answer = await http.send('GET', `/contacts/${delivery.contactId}`);
    if (answer.status === 200 && (JSON.parse(answer.body) as { name?: unknown }).name === delivery.name) return;
    if (answer.status !== 200 && answer.status !== 404) throw new Error(`GET /contacts/${delivery.contactId}: ${answer.status} ${answer.body.slice(0, 300)}`);
    remainingMs(`waiting for the read model to show contact ${delivery.contactId} as "${delivery.name}"`);
    await sleep(Math.max(1, gapMs));
  }
};

/**
 * Each delivery alone, as one that arrives on its own: posted once the one before is in the read model (its row read
 * back), a pause after. Back to back, the runner now and then folds two in one batch, or meets the next append before
 * it waits for the log again, and the functions it runs once per batch or per wait (its commit among them) count a
 * few calls short of N in one run or the other. Every delivery must be appended.
 *
 * `twins` more reads of a row, spread over the deliveries: the first run reads as many rows as the second, whose N
 * deliveries are each read back. Between deliveries, they leave the runner no longer idle than it is anyway.
 */
const deliverAlone = async (http: Client, deliveries: readonly Delivery[], gapMs: number, twins = 0): Promise<void> => {
  for (const [i, delivery] of deliveries.entries()) {
    await sleep(gapMs);
    const answer = await http.send('POST', '/webhooks/skylight', delivery.body);
    const parsed = answer.status === 202 ? (JSON.parse(answer.body) as { status?: string }) : undefined;
    if (parsed?.status !== 'appended') throw new Error(`a delivery was not appended: ${answer.status} ${answer.body.slice(0, 300)}`);
    await sleep(gapMs);
    await awaitRow(http, delivery, gapMs);
    const twinsHere = Math.floor(((i + 1) * twins) / deliveries.length) - Math.floor((i * twins) / deliveries.length);
    for (let t = 0; t < twinsHere; t++) {
      await sleep(gapMs);
      await awaitRow(http, delivery, gapMs);
    }
  }
};

/**
 * Sends what the second run has sent fewer of than the first (its /health polls at start, its reads of a row not yet
 * there: each run's own chance), so that every request the first run's server answered, the second's answered too.
 */
const padTo = async (http: Client, first: ReadonlyMap<string, number>, gapMs: number): Promise<number> => {
  let padded = 0;
  for (const [kind, count] of first) {
    if ((http.sent.get(kind) ?? 0) >= count) continue;
    const path = PADDING[kind];
    if (path === undefined) throw new Error(`the first run was answered ${kind} more often than the second, and the script cannot send it again`);
    while ((http.sent.get(kind) ?? 0) < count) {
      await sleep(gapMs);
      const answer = await http.send('GET', path);
      if (!kind.endsWith(` ${answer.status}`)) throw new Error(`GET ${path}: ${answer.status}, expected the kind ${kind}`);
      padded += 1;
    }
  }
  return padded;
};

// ---------------------------------------------------------------------------------------------------------------
// One run of the built server under NODE_V8_COVERAGE.

const STOP_GRACE_MS = 20_000;

/**
 * The second run idles this long before it stops. An idle runner reads the log every 100 ms, through the functions
 * that read it once per delivery: the first run's idle moments (at start-up) could give it a poll or two more than
 * the second, and take those functions a call or two under N. A second longer idle in the second run makes the
 * timer's share there the larger, so it can only add calls (about 10), never take one from a delivery's count.
 */
const IDLE_MS = 1000;

type Step = { readonly what: string; readonly step: (http: Client) => Promise<unknown> };
type Run = { readonly coverageDir: string; readonly sent: ReadonlyMap<string, number> };

/** Runs the server over a fresh data directory, takes the steps in turn, stops it with SIGTERM. */
const run = async (label: string, steps: readonly Step[]): Promise<Run> => {
  const dataDir = tempDir(`${label}-data`);
  const coverageDir = tempDir(`${label}-coverage`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_V8_COVERAGE: coverageDir };
  // The default configuration: none of the settings that change the path, whatever the caller's shell has.
  for (const name of ['WEBHOOK_SECRET', 'API_TOKEN', 'EVENT_STORE', 'ESDB_CONNECTION_STRING', 'READ_MODEL_DB', 'SQLITE_DURABILITY', 'NODE_OPTIONS']) delete env[name];
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  cleanups.push(() => running() && child.kill('SIGKILL'));
  const http = client(port);
  try {
    for (;;) {
      if (!running()) throw new Error(`the server exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
      remainingMs(`waiting for the server to answer /health:\n${output}`);
      const health = await http.send('GET', '/health').catch(() => undefined);
      if (health?.status === 200) break;
      await sleep(50);
    }
    for (const { what, step } of steps) {
      const started = Date.now();
      const result = await step(http);
      log(`${label}: ${what}${typeof result === 'number' ? ` (${result})` : ''}, in ${Date.now() - started} ms`);
    }
  } finally {
    http.close();
  }
  // A clean exit writes the coverage of every thread: SIGTERM is the server's graceful shutdown (src/main.ts).
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), Math.min(STOP_GRACE_MS, Math.max(1, deadline - Date.now())));
  const { code, signal } = await exited;
  clearTimeout(killer);
  if (code !== 0) throw new Error(`the server did not exit cleanly on SIGTERM (${code ?? signal}), so its coverage may be incomplete:\n${output}`);
  return { coverageDir, sent: http.sent };
};

// ---------------------------------------------------------------------------------------------------------------
// The coverage: per function of the project's built files, its calls in a run, summed over the threads.

type FunctionCoverage = { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[]; isBlockCoverage: boolean };
type ScriptCoverage = { url: string; functions: FunctionCoverage[] };

type FunctionCalls = { readonly url: string; readonly name: string; readonly offset: number; calls: number; readonly byThread: Map<string, number> };

const projectPrefixes = ['src', 'projections'].map((dir) => pathToFileURL(join(root, 'dist', dir)).href + '/');
const isProjectScript = (url: string) => url.endsWith('.js') && projectPrefixes.some((prefix) => url.startsWith(prefix));

/** coverage-<pid>-<time>-<threadId>.json: thread 0 is the process's main thread, the request thread. */
const threadOf = (file: string): string => {
  const id = /-(\d+)\.json$/.exec(file)?.[1];
  return id === '0' ? 'main' : `worker ${id ?? '?'}`;
};

const readCoverage = (dir: string): { functions: Map<string, FunctionCalls>; threads: string[] } => {
  const functions = new Map<string, FunctionCalls>();
  const threads: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.startsWith('coverage-') && name.endsWith('.json')).sort()) {
    const { result } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { result: ScriptCoverage[] };
    const ours = result.filter((script) => isProjectScript(script.url));
    if (ours.length === 0) continue;
    const thread = threadOf(file);
    threads.push(thread);
    for (const script of ours) {
      for (const fn of script.functions) {
        const range = fn.ranges[0];
        if (range === undefined) continue;
        const key = `${script.url}\0${fn.functionName}\0${range.startOffset}`;
        const entry = functions.get(key) ?? { url: script.url, name: fn.functionName, offset: range.startOffset, calls: 0, byThread: new Map<string, number>() };
        entry.calls += range.count;
        entry.byThread.set(thread, (entry.byThread.get(thread) ?? 0) + range.count);
        functions.set(key, entry);
      }
    }
  }
  return { functions, threads };
};

// ---------------------------------------------------------------------------------------------------------------
// Names: dist/src/x.js is src/x.ts; a function's line is its source line where the build left a source map.

type Located = { readonly file: string; readonly line: number; readonly column: number };

const locator = () => {
  const scripts = new Map<string, { text: string; map: SourceMap | undefined; distPath: string }>();
  const load = (url: string) => {
    const cached = scripts.get(url);
    if (cached !== undefined) return cached;
    const path = fileURLToPath(url);
    let map: SourceMap | undefined;
    try {
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    const loaded = { text: readFileSync(path, 'utf8'), map, distPath: relative(root, path).split(sep).join('/') };
    scripts.set(url, loaded);
    return loaded;
  };
  const sourceFile = (url: string): string => load(url).distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  /** V8's offsets count UTF-16 code units of the script, as a JS string does. */
  const locate = (url: string, offset: number): Located => {
    const { text, map, distPath } = load(url);
    const before = text.slice(0, offset);
    const line0 = before.split('\n').length - 1;
    const column0 = offset - (before.lastIndexOf('\n') + 1);
    const entry = map?.findEntry(line0, column0) as { originalLine?: number; originalColumn?: number } | undefined;
    return entry?.originalLine !== undefined
      ? { file: sourceFile(url), line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 }
      : { file: distPath, line: line0 + 1, column: column0 + 1 };
  };
  return { sourceFile, locate };
};

// ---------------------------------------------------------------------------------------------------------------

type PathFunction = {
  /** V8's name; an anonymous function is named by its place. */
  readonly name: string;
  readonly line: number;
  readonly column: number;
  /** Calls in the second run less calls in the first. */
  readonly delta: number;
  readonly per_delivery: number;
  /** Calls per delivery in each thread that ran it at least once per ten deliveries more. */
  readonly threads: Readonly<Record<string, number>>;
};
type PathFile = { readonly file: string; readonly functions: readonly PathFunction[] };

const main = async () => {
  const options = parseOptions(process.argv.slice(2));
  deadline = Date.now() + options.deadlineS * 1000;
  const n = options.deliveries;

  // As `npm start` does: build dist/ when a source or build setting changed since the last build.
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.js'), '--if-stale'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
    timeout: remainingMs('building'),
  });
  if (build.status !== 0) throw new Error(`node scripts/build.js --if-stale failed (${build.status ?? build.signal ?? build.error?.message})`);
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) throw new Error('dist/src/main.js is missing after the build');

  const gap = options.gapMs;
  const warmUp = warmUpTraffic(options.warmUp);
  const measured = measuredTraffic(options.warmUp, n);
  const before = await run('run1', [
    { what: `${warmUp.length} warm-up deliveries, each alone and read back, and ${n} more reads`, step: (http) => deliverAlone(http, warmUp, gap, n) },
  ]);
  const after = await run('run2', [
    { what: `${warmUp.length} warm-up deliveries, each alone and read back`, step: (http) => deliverAlone(http, warmUp, gap) },
    { what: `${n} contact.updated deliveries, each alone and read back`, step: (http) => deliverAlone(http, measured, gap) },
    { what: "requests the first run's server answered more of, sent again", step: (http) => padTo(http, before.sent, gap) },
    { what: `idle for ${IDLE_MS} ms`, step: () => sleep(IDLE_MS) },
  ]);
  const first = readCoverage(before.coverageDir);
  const second = readCoverage(after.coverageDir);
  for (const [label, { threads }] of [['run1', first], ['run2', second]] as const) {
    if (!threads.includes('main') || threads.length < 2) {
      throw new Error(`${label}: coverage of the project's files from ${threads.join(', ') || 'no thread'}; expected the main thread and the runner's worker`);
    }
  }

  const { sourceFile, locate } = locator();
  const byFile = new Map<string, PathFunction[]>();
  const nearMisses: (PathFunction & { file: string })[] = [];
  for (const [key, calls] of second.functions) {
    const earlier = first.functions.get(key);
    const delta = calls.calls - (earlier?.calls ?? 0);
    if (delta < n / 2) continue;
    const threads = [...calls.byThread]
      .map(([thread, count]) => [thread, count - (earlier?.byThread.get(thread) ?? 0)] as const)
      .filter(([, threadDelta]) => threadDelta >= n / 10)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([thread, threadDelta]) => [thread, Math.round((threadDelta / n) * 100) / 100] as const);
    const { file, line, column } = locate(calls.url, calls.offset);
    const fn: PathFunction = {
      name: calls.name === '' ? `(anonymous ${file.split('/').at(-1)}:${line})` : calls.name,
      line,
      column,
      delta,
      per_delivery: Math.round((delta / n) * 100) / 100,
      threads: Object.fromEntries(threads),
    };
    if (delta < n) {
      nearMisses.push({ ...fn, file: sourceFile(calls.url) });
      continue;
    }
    const functions = byFile.get(sourceFile(calls.url)) ?? [];
    functions.push(fn);
    byFile.set(sourceFile(calls.url), functions);
  }
  // A function a few calls short of N most likely runs once per delivery and lost a call to chance (a batch of two).
  const borderline = nearMisses.filter((fn) => fn.delta >= 0.9 * n);
  if (borderline.length > 0) {
    log(`warning: ${borderline.length} function(s) within 10% under N, not counted: ${borderline.map((fn) => `${fn.file} ${fn.name} (${fn.delta})`).join(', ')}; the runs may have differed by chance, run again`);
  }
  const files: PathFile[] = [...byFile.entries()]
    .map(([file, functions]) => ({ file, functions: functions.sort((a, b) => a.line - b.line || a.column - b.column) }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const functionCount = files.reduce((sum, f) => sum + f.functions.length, 0);
  const byThread = (thread: string) => files.reduce((sum, f) => sum + f.functions.filter((fn) => fn.threads[thread] !== undefined).length, 0);
  const workerThreads = [...new Set(second.threads)].filter((t) => t !== 'main');
  const summary = {
    files: files.length,
    functions: functionCount,
    deliveries: n,
    event: 'contact.updated',
    warm_up: { 'contact.created': options.warmUp, 'contact.updated': options.warmUp },
    gap_ms: options.gapMs,
    threshold_calls: n,
    functions_by_thread: Object.fromEntries(['main', ...workerThreads].map((t) => [t, byThread(t)])),
    requests: { run1: Object.fromEntries(before.sent), run2: Object.fromEntries(after.sent) },
  };

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, path: files, near_misses: nearMisses }, null, 2)}\n`);
    return;
  }
  const lines = [
    `path width: ${files.length} files, ${functionCount} functions (N=${n} deliveries, contact.updated)`,
    `  functions by thread: ${Object.entries(summary.functions_by_thread).map(([t, c]) => `${t} ${c}`).join(', ')} (one run in both counts once in the total)`,
    '  per file: line:column, name, calls per delivery (and per thread, unless only in main)',
    '',
  ];
  const shown = (fn: PathFunction) => {
    const entries = Object.entries(fn.threads);
    const threads = entries.length === 1 && entries[0]?.[0] === 'main' ? '' : `  [${entries.map(([t, r]) => (entries.length === 1 ? t : `${t} ×${r}`)).join(', ')}]`;
    return `${`${fn.line}:${fn.column}`.padStart(8)}  ${fn.name.startsWith('(anonymous ') ? '(anonymous)' : fn.name}  ×${fn.per_delivery}${threads}`;
  };
  for (const { file, functions } of files) {
    lines.push(`${file} (${functions.length})`);
    for (const fn of functions) lines.push(shown(fn));
  }
  if (nearMisses.length > 0) {
    lines.push('', `not counted, between N/2 and N calls more: ${nearMisses.length}`);
    for (const fn of nearMisses) lines.push(`${fn.file}${shown(fn)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
};

const interrupted = (signal: NodeJS.Signals) => {
  log(`${signal}: stopping`);
  cleanUp();
  process.exit(130);
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

try {
  await main();
  cleanUp();
} catch (error) {
  cleanUp();
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
