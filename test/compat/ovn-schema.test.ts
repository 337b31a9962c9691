/**
 * The OVN Northbound schema of the OVN release the compatibility tier runs (25.03, NB 7.11) against the one
 * the driver is built and tested with (23.03, NB 7.0): every table and column the older one has is still
 * there, and a column whose type changed only accepts more (ovsdb(7): a minor version adds, never takes
 * away). The changes are listed, so a new one is looked at before it is waved through.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compatRootfs } from './rootfs-env';

interface BaseType {
  type: string;
  enum?: unknown;
  [k: string]: unknown;
}
interface ColumnType {
  key: string | BaseType;
  value?: string | BaseType;
  min?: number;
  max?: number | 'unlimited';
}
interface Schema {
  version: string;
  tables: Record<string, { columns: Record<string, { type: string | ColumnType }> }>;
}

const load = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Schema;
const full = (t: string | ColumnType): ColumnType => (typeof t === 'string' ? { key: t } : t);
const base = (b: string | BaseType | undefined): BaseType | undefined => (typeof b === 'string' ? { type: b } : b);
/** Values of an enum constraint: ["set", [...]] or a single atom. */
const enumValues = (e: unknown): unknown[] | undefined =>
  e === undefined ? undefined : Array.isArray(e) && e[0] === 'set' ? (e[1] as unknown[]) : [e];

/** Everything `older` accepts, `newer` accepts too. */
function widens(older: BaseType | undefined, newer: BaseType | undefined): boolean {
  if (!older || !newer) return older === newer;
  if (older.type !== newer.type) return false;
  const [eo, en] = [enumValues(older.enum), enumValues(newer.enum)];
  if (eo && !(en === undefined || eo.every((v) => en.some((w) => JSON.stringify(w) === JSON.stringify(v))))) return false;
  for (const k of ['minInteger', 'minReal', 'minLength'] as const)
    if (newer[k] !== undefined && (older[k] === undefined || (newer[k] as number) > (older[k] as number))) return false;
  for (const k of ['maxInteger', 'maxReal', 'maxLength'] as const)
    if (newer[k] !== undefined && (older[k] === undefined || (newer[k] as number) < (older[k] as number))) return false;
  return (newer.refTable ?? older.refTable) === older.refTable;
}
const maxOf = (t: ColumnType) => (t.max === 'unlimited' ? Infinity : (t.max ?? 1));

describe('OVN Northbound schema of the compatibility rootfs', () => {
  const older = load(path.join(process.env.OVN_SCHEMA_DIR ?? '/usr/share/ovn', 'ovn-nb.ovsschema'));
  const newer = load(path.join(compatRootfs(), 'usr/share/ovn/ovn-nb.ovsschema'));

  it('is a later minor version of the same major one', () => {
    const [om, on] = [older.version.split('.').map(Number), newer.version.split('.').map(Number)];
    assert.equal(on[0], om[0], `${older.version} → ${newer.version}`);
    assert.ok(on[1]! >= om[1]!, `${older.version} → ${newer.version}`);
  });

  it('keeps every table and column, and changes types only to accept more', () => {
    const changed: string[] = [];
    for (const [table, { columns }] of Object.entries(older.tables)) {
      assert.ok(newer.tables[table], `table ${table} is gone in ${newer.version}`);
      for (const [column, { type }] of Object.entries(columns)) {
        const n = newer.tables[table]!.columns[column];
        assert.ok(n, `${table}.${column} is gone in ${newer.version}`);
        if (JSON.stringify(n.type) === JSON.stringify(type)) continue;
        const [o, w] = [full(type), full(n.type)];
        const ok =
          widens(base(o.key), base(w.key)) && widens(base(o.value), base(w.value)) && (w.min ?? 1) <= (o.min ?? 1) && maxOf(w) >= maxOf(o);
        assert.ok(ok, `${table}.${column}: ${JSON.stringify(type)} → ${JSON.stringify(n.type)} accepts less`);
        changed.push(`${table}.${column}`);
      }
    }
    // 23.03 → 25.03. ACL and Logical_Router_Policy gain actions ("pass", "jump"); Logical_Router_Port.networks
    // may be empty; Load_Balancer, Mirror and QoS columns the driver does not use. Documented in docs/PROTOCOL.md.
    assert.deepEqual(changed.sort(), [
      'ACL.action',
      'Load_Balancer.selection_fields',
      'Logical_Router_Policy.action',
      'Logical_Router_Port.networks',
      'Mirror.filter',
      'Mirror.type',
      'QoS.action',
    ]);
  });
});
