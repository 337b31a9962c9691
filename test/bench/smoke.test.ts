/**
 * The benchmarks at tiny sizes (`make bench` runs them full size): they must run to the end and give every
 * figure a number, so that they never rot. No target is judged here. Needs the stack lock (run-tests.sh
 * bench-smoke takes it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../harness/stack';

interface Results {
  smoke: boolean;
  machine: Record<string, unknown>;
  benchmarks: Record<
    string,
    { rows: { id: string; value: unknown; baseline: unknown; ratio: unknown; met?: unknown; target?: { on: string; limit: number } }[] }
  >;
  errors: Record<string, string>;
}

describe('bench smoke', () => {
  let dir: string | undefined;
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs B1–B8 at tiny sizes and writes a number for every figure', { timeout: 300_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    const out = path.join(dir, 'results.json');
    const entry = path.join(repoRoot(), 'dist', 'bench', 'bench.js');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [entry, '--smoke', '--out', out],
        { timeout: 290_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    assert.equal(code, 0, output);
    const results = JSON.parse(await readFile(out, 'utf8')) as Results;
    assert.equal(results.smoke, true);
    assert.deepEqual(results.errors, {});
    assert.deepEqual(Object.keys(results.benchmarks).sort(), ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8']);
    for (const [id, bench] of Object.entries(results.benchmarks)) {
      assert.ok(bench.rows.length > 0, `${id} has no rows`);
      for (const r of bench.rows) {
        // A figure whose target is "none at all" (B6.sb.rows) is rightly 0.
        const zeroWanted = r.target?.on === 'value' && r.target.limit === 0;
        for (const k of ['value', 'baseline', 'ratio'] as const) {
          const ok = typeof r[k] === 'number' && Number.isFinite(r[k]) && (r[k] > 0 || (zeroWanted && k !== 'baseline' && r[k] === 0));
          assert.ok(ok, `${r.id}.${k} is ${String(r[k])}`);
        }
        assert.equal(r.met, undefined, `${r.id}: a smoke run judges no target`);
      }
    }
    for (const k of ['nproc', 'memoryMB', 'kernel', 'ovs', 'ovn', 'docker']) assert.ok(results.machine[k], `machine.${k} missing`);
  });
});
