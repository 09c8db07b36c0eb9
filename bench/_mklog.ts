import { cpSync } from 'node:fs';
import { fixtureCache } from './fixtures.js';
import { withScope } from './scope.js';
const [n, out] = process.argv.slice(2);
await withScope(async (scope) => {
  const f = fixtureCache(scope, console.error);
  const dir = await f.eventLog(Number(n));
  cpSync(dir, out!, { recursive: true });
});
