import { OvsdbSchemaMismatchError } from './errors';
import { DatabaseSchema } from './schema';

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

/**
 * table → columns to replicate, from the `tables` option (default: everything). Throws
 * {@link OvsdbSchemaMismatchError} naming every table and column the schema lacks.
 */
export function monitorSelection(
  schema: DatabaseSchema,
  tables?: { [table: string]: readonly string[] | true | undefined },
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!tables) {
    for (const [name, t] of schema.tables) out.set(name, [...t.columnNames]);
    return out;
  }
  const missing: string[] = [];
  for (const [name, cols] of Object.entries(tables)) {
    if (cols === undefined) continue;
    const t = schema.tables.get(name);
    if (!t) {
      missing.push(name);
      continue;
    }
    for (const c of cols === true ? [] : cols) if (!t.columns.has(c)) missing.push(`${name}.${c}`);
    out.set(name, cols === true ? [...t.columnNames] : [...cols]);
  }
  if (missing.length > 0) throw new OvsdbSchemaMismatchError(schema.name, schema.version, missing);
  return out;
}

/**
 * Params of the monitor request. monitor_cond/monitor_cond_since take arrays of <monitor-cond-request>
 * (ovsdb-server(7)); plain `monitor` takes one <monitor-request> per table (RFC 7047 §4.1.5).
 */
export function monitorParams(
  method: MonitorMethod,
  db: string,
  id: string,
  selection: Map<string, string[]>,
  lastTxnId: string,
): unknown[] {
  const requests: Record<string, unknown> = {};
  for (const [table, columns] of selection) requests[table] = method === 'monitor' ? { columns } : [{ columns }];
  if (method === 'monitor_cond_since') return [db, id, requests, lastTxnId];
  return [db, id, requests];
}

/**
 * From the rows or an update2 of our `_Server.Database` monitor: a reason to leave this server, if any.
 * Leadership counts only where the client wants the leader (`leaderMatters`).
 */
export function serverMonitorShowsLoss(updates: unknown, leaderMatters: boolean): string | undefined {
  const rows = (updates as Record<string, Record<string, Record<string, Record<string, unknown> | null>>>)?.Database ?? {};
  for (const u of Object.values(rows)) {
    const row = u.initial ?? u.insert ?? u.modify;
    if (u.delete !== undefined && !row) return 'database removed from server';
    // A whole row (initial, insert) leaves out columns at their default, false among them; a modify names them.
    const whole = !u.modify;
    const leader = row?.leader ?? (whole ? false : undefined);
    const connected = row?.connected ?? (whole ? false : undefined);
    if (leaderMatters && leader === false) return 'server lost cluster leadership';
    if (connected === false) return 'server disconnected from its cluster';
  }
  return undefined;
}
