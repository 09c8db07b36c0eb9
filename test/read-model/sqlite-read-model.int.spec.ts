import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { makeTempDir } from '../support/temp-dir.js';
import { describeReadModelContract } from './read-model.contract.js';

const dir = makeTempDir('read-model-contract');
afterAll(() => dir.remove());
let opened = 0;

describeReadModelContract('sqlite', { open: async () => openSqliteReadModel(join(dir.path, `read-model-${(opened += 1)}.db`)) });
