import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleSpillDirectories, spillFiles } from '../../src/runner/spill-files.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The owner parts of a spill directory's name: host, process id, process start, random suffix. */
const OWNER = /^\.skylight-fold-(.+)_(\d+)_(\w+)-(\w+)$/;

describe('stale spill directories', () => {
  const dir = makeTempDir('spill');
  afterAll(() => dir.remove());

  it('removes those of a killed fold on this host, also when its process id came back (pid 1 in a container), and keeps the rest', () => {
    const root = join(dir.path, 'read-model');
    mkdirSync(root);
    const running = spillFiles(root, 1);
    const [ours] = readdirSync(root);
    const owner = ours === undefined ? null : OWNER.exec(ours);
    if (owner === null) throw new Error(`unexpected spill directory name ${ours}`);
    const [, host, pid, start] = owner;
    const named = (h: string, p: string | number, s: string) => {
      const name = `.skylight-fold-${h}_${p}_${s}-abc123`;
      mkdirSync(join(root, name));
      return name;
    };
    const previousLife = named(host ?? '', pid ?? '', `${start}0`);
    const deadProcess = named(host ?? '', 2 ** 22 + 1, start ?? '');
    const otherHost = named(`not-${host}`, 2 ** 22 + 1, start ?? '');
    const notOurs = '.skylight-fold-notes';
    mkdirSync(join(root, notOurs));

    removeStaleSpillDirectories(root);

    const left = readdirSync(root);
    expect(left).not.toContain(previousLife);
    expect(left).not.toContain(deadProcess);
    expect(left.sort()).toStrictEqual([ours, otherHost, notOurs].sort());
    running.remove();
  });
});
