import { OvsdbDisconnectedError, OvsdbRpcError, OvsdbSchemaMismatchError, OvsdbTimeoutError } from './errors';
import { JsonRpcPeer } from './jsonrpc';
import { OvsdbLogger } from './logger';
import { MonitorMethod, monitorParams, monitorSelection, serverMonitorShowsLoss } from './monitor';
import { OvsdbClientOptions } from './options';
import { DatabaseSchema, parseSchema } from './schema';
import { ServerDatabaseInfo, parseServerDatabase, rejectReason } from './server-info';
import { Remote, openTransport, parseRemotes } from './transport';

/** The client's options with DEFAULTS applied. */
export type ResolvedOptions = Required<Omit<OvsdbClientOptions, 'tables' | 'tls' | 'logger' | 'timeLeft'>> & OvsdbClientOptions;

/** Monitor ids of the client's own monitors; notifications for other ids are passed on to the user. */
export const CACHE_MONITOR = 'ovsdb-client:cache';
export const SERVER_MONITOR = 'ovsdb-client:_Server';

/**
 * What the loop needs from the client it connects for. The client keeps everything the user sees (state,
 * cache, current peer, locks); the loop only decides where and when to connect and how to subscribe.
 */
export interface ConnectionHost {
  /** True once `close()` was called: stop connecting and abandon a session being set up. */
  isClosed(): boolean;
  /** A new connection, before its handshake: it becomes the current peer and its notifications are routed. */
  attach(peer: JsonRpcPeer, remote: Remote): void;
  /** The connection closed, whether or not it ever became ready. */
  detach(peer: JsonRpcPeer): void;
  /** `_Server.Database` as read during the handshake (undefined on servers without `_Server`). */
  setServer(info: ServerDatabaseInfo | undefined): void;
  /** The transaction id `monitor_cond_since` resumes from, given the schema just read. */
  resumeFrom(schema: DatabaseSchema): string;
  /**
   * The initial monitor reply. Runs synchronously in the receive loop, so the cache holds this state before
   * the next `update*` notification of the same connection is applied on top of it.
   */
  onMonitorReply(method: MonitorMethod, schema: DatabaseSchema, selection: Map<string, string[]>, result: unknown): void;
  /** The session is set up (monitors running): re-request what must survive a reconnect, e.g. locks. */
  established(peer: JsonRpcPeer): void;
  /** A session that had been set up ended; the loop is about to reconnect. */
  reconnecting(): void;
  /** The server's schema lacks monitored tables or columns; the loop backs off and tries again. */
  incompatible(err: OvsdbSchemaMismatchError): void;
  /** A connection attempt to `remote` failed before its session was up (refused, TLS, not the leader, ...). */
  connectFailed(remote: string, err: Error): void;
}

/**
 * The connection loop: rotates through the remotes, sets up each session (cluster server selection,
 * schema, cache monitor), runs the inactivity probe and reconnects with jittered exponential backoff.
 */
export class ConnectionLoop {
  private readonly remotes: Remote[];
  private remoteIndex = 0;
  /** Highest `_Server.Database.index` seen: a server behind it would show us the past (lib/ovsdb-cs.c). */
  private minIndex = 0n;
  /** The cluster `minIndex` was seen in: a cluster made anew (a restored backup) counts from zero again. */
  private clusterId?: string;
  /** Monitor methods still worth trying, best first; one the server does not know is dropped for good. */
  private methods: MonitorMethod[] = ['monitor_cond_since', 'monitor_cond', 'monitor'];
  private wakeUp?: () => void;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly log: OvsdbLogger,
    private readonly host: ConnectionHost,
  ) {
    this.remotes = parseRemotes(opts.remotes);
  }

  /** Leadership is asked for, and there is another remote to find the leader at. */
  get leaderMatters(): boolean {
    return this.opts.leaderOnly && this.remotes.length > 1;
  }

  /** Ends the current backoff sleep at once, so a closed client's loop exits without waiting it out. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Connects, serves the session until it ends, and starts over until the client is closed. */
  async run(): Promise<void> {
    let delay = this.opts.reconnectMinMs;
    let failures = 0;
    while (!this.host.isClosed()) {
      const remote = this.remotes[this.remoteIndex % this.remotes.length];
      this.remoteIndex++;
      let ended: Promise<void> | undefined;
      try {
        ended = (await this.session(remote)).ended;
      } catch (err) {
        if (err instanceof OvsdbSchemaMismatchError) {
          this.log.warn({ remote: remote.text, err: err.message }, 'ovsdb schema lacks what the client monitors');
          this.host.incompatible(err);
        } else {
          this.log.info({ remote: remote.text, err: (err as Error).message }, 'ovsdb connect failed');
          // A close() during the handshake is not a failure to report.
          if (!this.host.isClosed()) this.host.connectFailed(remote.text, err as Error);
        }
      }
      if (ended) {
        // A session that got going resets the backoff: the next outage starts from the shortest delay.
        delay = this.opts.reconnectMinMs;
        failures = 0;
        await ended;
        if (this.host.isClosed()) break;
        this.host.reconnecting();
        await this.sleep(jitter(this.opts.reconnectMinMs));
      } else if (++failures >= this.remotes.length) {
        // Back off only after a whole round: with a cluster, the next remote may well be the leader.
        failures = 0;
        await this.sleep(jitter(delay));
        delay = Math.min(this.opts.reconnectMaxMs, delay * 2);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Connects and sets up one session; resolves with a promise of its end, rejects if setup failed. */
  private async session(remote: Remote): Promise<{ ended: Promise<void> }> {
    const stream = await openTransport(remote, this.opts.requestTimeoutMs, this.opts.tls);
    const peer = new JsonRpcPeer(stream, this.log, this.opts.maxMessageBytes);
    if (this.host.isClosed()) {
      peer.close();
      throw new OvsdbDisconnectedError('closed while connecting');
    }
    const ended = new Promise<void>((resolve) =>
      peer.once('close', (reason?: Error) => {
        this.log.info({ remote: remote.text, reason: reason?.message }, 'ovsdb connection closed');
        this.host.detach(peer);
        resolve();
      }),
    );
    // Attached before the handshake, so close() can abort it and the _Server monitor's updates are heard
    // while the cache monitor is still being set up.
    this.host.attach(peer, remote);
    try {
      await this.handshake(peer);
    } catch (err) {
      peer.close(err as Error);
      throw err;
    }
    this.startProbe(peer, remote);
    this.host.established(peer);
    return { ended };
  }

  private async handshake(peer: JsonRpcPeer): Promise<void> {
    const { database, requestTimeoutMs: timeoutMs } = this.opts;
    if (database !== '_Server') {
      const info = await this.readServerInfo(peer);
      if (info) {
        // ovsdb-cs keeps its index across a rebuilt cluster until told otherwise (ovn-northd's
        // nb-cluster-state-reset): every server of the new one looked behind forever. Another cluster ID
        // is another history.
        // Only once the server is accepted: a stray member of another cluster in the list must not clear
        // the floor for the next lagging follower of this one.
        const replaced = !!info.cid && !!this.clusterId && info.cid !== this.clusterId;
        // ovsdb_cs_check_server_db(): leave servers that are disconnected, followers or behind.
        const reason = rejectReason(info, this.leaderMatters, replaced ? 0n : this.minIndex);
        if (reason) throw new Error(reason);
        if (replaced) {
          this.log.warn({ was: this.clusterId, now: info.cid }, 'ovsdb cluster replaced: its index starts again');
          this.minIndex = 0n;
        }
        if (info.index !== undefined && info.index > this.minIndex) this.minIndex = info.index;
        if (info.cid) this.clusterId = info.cid;
        if (info.model === 'clustered') {
          // Follow the server's standing (lib/ovsdb-cs.c monitors _Server always): one that loses its
          // cluster (a single remote, a VIP, included) or, where the leader is wanted, leadership is left,
          // rather than read stale and written to until timeouts. Its state as the monitor starts counts too.
          const initial = await peer.request(
            'monitor_cond',
            ['_Server', SERVER_MONITOR, { Database: [{ columns: ['leader', 'connected'], where: [['name', '==', database]] }] }],
            { timeoutMs, idle: true },
          );
          const lost = serverMonitorShowsLoss(initial, this.leaderMatters);
          if (lost) throw new Error(lost);
        }
      }
      this.host.setServer(info);
    }
    const schema = parseSchema(await peer.request('get_schema', [database], { timeoutMs, idle: true }));
    const lastTxnId = this.host.resumeFrom(schema);
    const selection = monitorSelection(schema, this.opts.tables);
    for (;;) {
      const method = this.methods[0];
      try {
        // The reply is the whole monitored database: on a large NB over a slow link it takes longer than
        // any fixed deadline, so only silence times it out (as every handshake request: the schema is
        // large too); a fixed one would fetch the dump again forever.
        await peer.request(method, monitorParams(method, database, CACHE_MONITOR, selection, lastTxnId), {
          timeoutMs,
          idle: true,
          onResult: (result) => this.host.onMonitorReply(method, schema, selection, result),
        });
        return;
      } catch (err) {
        // monitor_cond_since (OVS 2.12) and monitor_cond (2.6) are extensions (ovsdb-server(7)); older
        // servers answer "unknown method" and get the next one down, ending at RFC 7047 §4.1.5 monitor.
        if (err instanceof OvsdbRpcError && err.code === 'unknown method' && this.methods.length > 1) {
          this.methods.shift();
          continue;
        }
        throw err;
      }
    }
  }

  private async readServerInfo(peer: JsonRpcPeer): Promise<ServerDatabaseInfo | undefined> {
    const { database } = this.opts;
    let results: unknown;
    try {
      results = await peer.request(
        'transact',
        [
          '_Server',
          {
            op: 'select',
            table: 'Database',
            where: [['name', '==', database]],
            columns: ['name', 'model', 'connected', 'leader', 'cid', 'sid', 'index'],
          },
        ],
        { timeoutMs: this.opts.requestTimeoutMs, idle: true },
      );
    } catch (err) {
      // Servers older than OVS 2.9 have no _Server database: nothing to check.
      if (err instanceof OvsdbRpcError) return undefined;
      throw err;
    }
    const rows = (results as { rows?: Record<string, unknown>[] }[])[0]?.rows ?? [];
    if (rows.length === 0) throw new Error(`database ${database} is not served here`);
    return parseServerDatabase(rows[0]);
  }

  /**
   * Inactivity probe (lib/jsonrpc.c): echo after silence; an interval with neither its answer nor any other
   * byte received drops the link (an echo answered behind a large update is not a dead link).
   */
  private startProbe(peer: JsonRpcPeer, remote: Remote): void {
    const interval = this.opts.probeIntervalMs;
    if (!interval) return;
    let probing = false;
    const timer = setInterval(
      () => {
        if (peer.isClosed) return clearInterval(timer);
        if (probing || Date.now() - peer.lastReceiveAt < interval) return;
        probing = true;
        peer.request('echo', ['probe'], { timeoutMs: interval, idle: true }).then(
          () => (probing = false),
          (err) => {
            if (err instanceof OvsdbTimeoutError) {
              this.log.warn({ remote: remote.text }, 'ovsdb inactivity probe failed, reconnecting');
              peer.close(err);
            }
          },
        );
      },
      Math.max(20, Math.floor(interval / 4)),
    );
    timer.unref();
    peer.once('close', () => clearInterval(timer));
  }
}

/** Equal jitter: between half and all of `ms`, so clients that lost the same server spread out. */
function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}
