/**
 * The committed spec as an independent tool reads it: Redocly CLI (pinned in devDependencies) with its
 * recommended rules finds nothing, and the spec says where it is served and why it asks for no credentials.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, run } from '../harness/stack';
import { SPEC_FILE, SpecValidator } from './spec-validator';

type Json = Record<string, unknown>;

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location?: { pointer?: string }[] }[];
}

/** `redocly lint --extends recommended` of the spec; the tool's own telemetry and update check are off. */
async function redoclyLint(file: string): Promise<LintReport> {
  const cli = path.join(repoRoot(), 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // A spec with errors makes it exit 1 after printing the same JSON report: read it either way.
  const out = await run(process.execPath, [cli, 'lint', '--extends', 'recommended', '--format', 'json', file], {
    env,
    cwd: repoRoot(),
    timeout: 120_000,
  }).catch((e: { stdout?: string }) => e.stdout ?? '');
  return JSON.parse(out.slice(out.indexOf('{'))) as LintReport;
}

describe('openapi/openapi.json under redocly lint', () => {
  it('has no error and no warning with the recommended rules', async () => {
    const report = await redoclyLint(SPEC_FILE);
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location?.[0]?.pointer ?? ''}: ${p.message}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
  });

  it('names the HTTP listener as its server, describes the plugin socket, and asks for no credentials, saying why', () => {
    const spec = new SpecValidator().spec as Json;
    const servers = spec.servers as { url: string; description: string }[];
    assert.deepEqual(
      servers.map((s) => s.url),
      ['http://127.0.0.1:9105'],
    );
    assert.match(servers[0]!.description, /\/run\/docker\/plugins\/ovn\.sock/);
    assert.deepEqual(spec.security, []);
    assert.match((spec.info as Json).description as string, /No authentication \(security: \[\]\)/);
  });

  it('documents a 4xx and a 5xx answer on every operation', () => {
    const spec = new SpecValidator().spec as { paths: Record<string, Record<string, { responses: Json }>> };
    for (const [p, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const statuses = Object.keys(op.responses);
        assert.ok(
          statuses.some((s) => /^4/.test(s)),
          `${method} ${p}: a 4xx`,
        );
        assert.ok(
          statuses.some((s) => /^5/.test(s)),
          `${method} ${p}: a 5xx`,
        );
      }
    }
  });
});
