import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NB, OVS } from './tables';
import { OvnNorthbound2503 } from 'ovsdb-client';

/** The driver's sources (this file runs from dist/src/modules/ovn). */
const SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src');
const TABLES = new Set([...Object.keys(NB), ...Object.keys(OvnNorthbound2503.Tables), ...Object.keys(OVS)]);
const QUOTED = /(?<![\w$])(['"`])([A-Za-z_]\w*)\1/g;

/** `file:line: text` of each quoted table name in `text`; an OpenAPI operationId (debug's Bridge view) names no table. */
function quotedTables(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.trimStart();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
    for (const m of line.matchAll(QUOTED)) {
      if (!TABLES.has(m[2]) || /operationId:\s*$/.test(line.slice(0, m.index))) continue;
      found.push(`${file}:${i + 1}: ${code}`);
    }
  });
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

test('the check finds a table named by a string and passes one named by the model', () => {
  assert.deepEqual(quotedTables('a.ts', "nbOp.insert('Logical_Switch', row);\ncache.table(OVS.Bridge);"), [
    "a.ts:1: nbOp.insert('Logical_Switch', row);",
  ]);
  assert.deepEqual(quotedTables('a.ts', "@ApiOperation({ operationId: 'Bridge' })\n// cache.table('Bridge')"), []);
});

test('src/ names OVSDB tables through the generated models, never as string literals', () => {
  assert.ok(existsSync(SRC), `driver sources not found at ${SRC}`);
  const files = sources(SRC);
  assert.ok(files.length > 50, `only ${files.length} source files under ${SRC}`);
  const found = files.flatMap((f) => quotedTables(path.relative(SRC, f), readFileSync(f, 'utf8')));
  assert.deepEqual(found, [], 'use NB.<table> / OVS.<table> (src/modules/ovn/tables.ts) instead');
});
