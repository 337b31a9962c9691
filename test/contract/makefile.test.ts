/** `make help` is the Makefile's table of contents: every phony target is listed, with what it does. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, run } from '../harness/stack';

/** The targets of every `.PHONY:` line. */
function phonyTargets(): string[] {
  const makefile = readFileSync(path.join(repoRoot(), 'Makefile'), 'utf8');
  return [...makefile.matchAll(/^\.PHONY:(.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
}

describe('make help', () => {
  it('lists every .PHONY target with a description', async () => {
    const help = await run('make', ['-s', '--no-print-directory', 'help'], { cwd: repoRoot() });
    const listed = new Map([...help.matchAll(/^make (\S+) +(\S.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const targets = phonyTargets();
    assert.ok(targets.length >= 15, `${targets.length} phony targets`);
    assert.deepEqual(
      targets.filter((t) => !listed.has(t)),
      [],
      'phony targets missing from make help',
    );
    assert.deepEqual(
      [...listed.keys()].filter((t) => !targets.includes(t)),
      [],
      'make help lists a target that is not .PHONY',
    );
  });
});
