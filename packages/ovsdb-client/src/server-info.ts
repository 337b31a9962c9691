/**
 * The `_Server.Database` row of the database we use (ovsdb-server(5) _Server schema). For clustered
 * databases it says whether this server is connected to the cluster, is the leader, and how far its log
 * has been applied (`index`) — what lib/ovsdb-cs.c checks before trusting a server.
 */
export interface ServerDatabaseInfo {
  name: string;
  /** "standalone", "clustered", "relay" or "unbacked". */
  model: string;
  connected: boolean;
  leader: boolean;
  schema?: string;
  /** Cluster ID (clustered only). */
  cid?: string;
  /** Server ID (clustered only). */
  sid?: string;
  /** Index of the last applied log entry (clustered only). */
  index?: bigint;
}

function optional(wire: unknown): unknown {
  if (Array.isArray(wire) && wire[0] === 'set') return (wire[1] as unknown[])[0];
  return wire;
}

function uuidOf(wire: unknown): string | undefined {
  const v = optional(wire);
  return Array.isArray(v) ? (v[1] as string) : undefined;
}

/** Decodes a wire `_Server.Database` row (the schema is fixed, so no get_schema round trip). */
export function parseServerDatabase(row: Record<string, unknown>): ServerDatabaseInfo {
  const index = optional(row.index);
  const schema = optional(row.schema);
  return {
    name: String(row.name),
    model: String(row.model),
    connected: row.connected === true,
    leader: row.leader === true,
    schema: typeof schema === 'string' ? schema : undefined,
    cid: uuidOf(row.cid),
    sid: uuidOf(row.sid),
    index: index === undefined ? undefined : BigInt(index as number | bigint),
  };
}

/**
 * Why this server must not be used, or undefined when it is fine. Mirrors ovsdb_cs_check_server_db():
 * a clustered server must be connected; with leaderOnly it must be the leader; its index must not be
 * behind one already seen (it would show us the past).
 */
export function rejectReason(info: ServerDatabaseInfo, leaderOnly: boolean, minIndex: bigint): string | undefined {
  if (info.model !== 'clustered') return undefined;
  if (!info.connected) return 'server is not connected to its cluster';
  if (leaderOnly && !info.leader) return 'server is not the cluster leader';
  if (info.index !== undefined && info.index < minIndex) return `server is behind (index ${info.index} < ${minIndex})`;
  return undefined;
}
