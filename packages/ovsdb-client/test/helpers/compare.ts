import { OvsdbClient, decodeRow, parseJson } from '../../src';
import { OvsdbServer } from './ovsdb-server';

/** Order-insensitive form of a row (sets are unordered). */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (v instanceof Map) return normalize(Object.fromEntries(v));
  if (typeof v === 'bigint') return `${v}n`;
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, normalize(x)]),
    );
  return v;
}

/** The table as `ovsdb-client query` sees it, decoded with the client's schema. */
export function serverRows(server: OvsdbServer, client: OvsdbClient, table: string, database = 'OVN_Northbound'): Map<string, unknown> {
  const out = server.run('ovsdb-client', ['query', server.remote, JSON.stringify([database, { op: 'select', table, where: [] }])]);
  const rows = (parseJson(out) as { rows: Record<string, unknown>[] }[])[0].rows;
  const t = client.schema!.tables.get(table)!;
  return new Map(
    rows.map((w) => {
      const r = decodeRow(t, undefined, w);
      delete r._version;
      return [r._uuid, normalize(r)];
    }),
  );
}
