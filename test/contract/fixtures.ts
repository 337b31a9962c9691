/** Requests captured from dockerd 20.10 and 26.1 (test/fixtures/dockerd-VERSION-*.jsonl, one request per line). */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/stack';

export const FIXTURES_DIR = path.join(repoRoot(), 'test', 'fixtures');

export interface Captured {
  /** file:line, for assertion messages */
  where: string;
  path: string;
  /** null when dockerd sent no body (Content-Length: 0) */
  request: Record<string, unknown> | null;
  request_headers?: Record<string, string>;
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
}

export function loadFixture(file: string): Captured[] {
  return readFileSync(path.join(FIXTURES_DIR, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => ({ ...(JSON.parse(line) as Omit<Captured, 'where'>), where: `${file}:${i + 1}` }));
}

/**
 * The body exactly as dockerd sends it: Go's json.Encoder output, which ends with a newline
 * (moby pkg/plugins/client.go encodes with json.NewEncoder(...).Encode), or nothing at all.
 */
export function wireBody(request: unknown): string {
  return request === null || request === undefined ? '' : `${JSON.stringify(request)}\n`;
}

/** The verb of a plugin path ("/NetworkDriver.Join" → "Join"). */
export function verb(urlPath: string): string {
  return urlPath.slice(urlPath.indexOf('.') + 1);
}
