import type { OvsdbLogger } from './logger';
import type { TlsOptions } from './transport';
import type { ColumnOf, LooseTables, TableOf } from './typed';

/** Options of `new OvsdbClient(…)`. */
export interface OvsdbClientOptions<M = LooseTables> {
  /**
   * Where to connect: `unix:PATH`, `tcp:HOST:PORT`, `ssl:HOST:PORT`, a comma-separated list of those, or an
   * array. With several remotes (a RAFT cluster) the client rotates through them.
   */
  remotes: string | readonly string[];
  /** Database name, e.g. "OVN_Northbound". */
  database: string;
  /**
   * Tables to replicate into `client.cache`: `true` for all columns or a column list.
   * @default every table of the schema, all columns
   */
  tables?: { [K in TableOf<M>]?: readonly ColumnOf<M[K]>[] | true };
  /**
   * Timeout of each request (and of connecting).
   * @default 5000
   */
  requestTimeoutMs?: number;
  /**
   * Milliseconds the caller has left, asked when a transaction is sent: it times out by then if that is
   * sooner than `requestTimeoutMs`, and is refused at once when nothing is left (a server answering a
   * request dockerd has given up on helps no one). For a caller with a deadline of its own, such as the
   * HTTP request that made the transaction; absent or Infinity: `requestTimeoutMs` alone.
   */
  timeLeft?: () => number;
  /**
   * After this long without receiving anything, send an `echo`; if that is not answered within the same
   * interval, drop the connection and reconnect (as lib/jsonrpc.c's inactivity probe). 0 disables.
   * @default 5000
   */
  probeIntervalMs?: number;
  /**
   * First reconnect delay; doubles after each failed round of all remotes, with full jitter.
   * @default 200
   */
  reconnectMinMs?: number;
  /**
   * Upper bound of the reconnect delay.
   * @default 8000
   */
  reconnectMaxMs?: number;
  /**
   * With several remotes, only stay connected to the cluster leader (writes on followers are forwarded
   * and slower; lib/ovsdb-cs.c does the same). A single remote is always accepted if connected.
   * @default true
   */
  leaderOnly?: boolean;
  /** Keys and certificates for `ssl:` remotes. */
  tls?: TlsOptions;
  /**
   * Reject JSON-RPC messages larger than this.
   * @default 268435456
   */
  maxMessageBytes?: number;
  /** Receives debug/info/warn lines; the library never logs on its own otherwise. */
  logger?: OvsdbLogger;
}

export const DEFAULTS = {
  requestTimeoutMs: 5000,
  probeIntervalMs: 5000,
  reconnectMinMs: 200,
  reconnectMaxMs: 8000,
  leaderOnly: true,
  maxMessageBytes: 256 * 1024 * 1024,
} as const;
