import { EventEmitter } from 'node:events';
import { ChangeBatch, OvsdbCache, RowChange } from './cache';
import { ZERO_UUID } from './codec';
import { OvsdbDisconnectedError, OvsdbRpcError, OvsdbTimeoutError } from './errors';
import { JsonRpcPeer } from './jsonrpc';
import { OvsdbLogger, silentLogger } from './logger';
import { MonitorMethod, monitorParams, monitorSelection, serverMonitorShowsLoss } from './monitor';
import { Op, ResultsOf, encodeOp } from './ops';
import { DEFAULTS, OvsdbClientOptions } from './options';
import { DatabaseSchema, parseSchema } from './schema';
import { ServerDatabaseInfo, parseServerDatabase, rejectReason } from './server-info';
import { checkResults } from './transact';
import { Remote, openTransport, parseRemotes } from './transport';

/** idle → connecting → ready ⇄ reconnecting → closed. */
export type ClientState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

const CACHE_MONITOR = 'ovsdb-client:cache';
const SERVER_MONITOR = 'ovsdb-client:_Server';

/**
 * A long-lived OVSDB connection with a replicated cache.
 *
 * Events: `state(state, previous)`, `change(batch: ChangeBatch)`, `locked(lockId)`, `stolen(lockId)`,
 * `notification(method, params)` for notifications it does not consume itself (e.g. your own monitors).
 */
export class OvsdbClient extends EventEmitter {
  /** The replica of the monitored tables. Valid (possibly stale) while reconnecting. */
  readonly cache = new OvsdbCache();
  readonly database: string;
  /** Incremented after each applied change batch. */
  changeSeq = 0;
  private _state: ClientState = 'idle';
  private peer?: JsonRpcPeer;
  private _schema?: DatabaseSchema;
  private _server?: ServerDatabaseInfo;
  private _remote?: Remote;
  private readonly remotes: Remote[];
  private readonly opts: Required<Omit<OvsdbClientOptions, 'tables' | 'tls' | 'logger'>> & OvsdbClientOptions;
  private readonly log: OvsdbLogger;
  private remoteIndex = 0;
  private lastTxnId = ZERO_UUID;
  private minIndex = 0n;
  private methods: MonitorMethod[] = ['monitor_cond_since', 'monitor_cond', 'monitor'];
  private readonly locks = new Set<string>();
  private wake?: () => void;

  constructor(options: OvsdbClientOptions) {
    super();
    this.opts = { ...DEFAULTS, ...options };
    this.database = options.database;
    this.remotes = parseRemotes(options.remotes);
    this.log = options.logger ?? silentLogger;
  }

  get state(): ClientState {
    return this._state;
  }
  /** The schema of the current (or last) connection. */
  get schema(): DatabaseSchema | undefined {
    return this._schema;
  }
  /** `_Server.Database` as read when the current connection was set up. */
  get server(): ServerDatabaseInfo | undefined {
    return this._server;
  }
  /** The remote of the current connection. */
  get remote(): string | undefined {
    return this._remote?.text;
  }

  /** Starts connecting in the background; returns at once. Use `ready()` to wait. */
  start(): this {
    if (this._state !== 'idle') return this;
    this.setState('connecting');
    void this.run();
    return this;
  }

  /** Closes the connection and stops reconnecting. Pending requests reject with OvsdbDisconnectedError. */
  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.setState('closed');
    this.wake?.();
    this.peer?.close();
    this.peer = undefined;
  }

  /** Resolves once connected and the initial monitor reply is in the cache. */
  ready(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this._state === 'ready') return Promise.resolve();
    return this.until(() => this._state === 'ready', options.timeoutMs, 'ready');
  }

  /**
   * Resolves with the first truthy (not `undefined`/`false`) value of `predicate(cache)`, evaluated now
   * (once the cache has loaded) and after every change batch.
   */
  waitFor<T>(predicate: (cache: OvsdbCache) => T | undefined | false, options: { timeoutMs?: number } = {}): Promise<T> {
    let value: T | undefined | false;
    const check = (): boolean => {
      if (!this._schema) return false;
      value = predicate(this.cache);
      return value !== undefined && value !== false;
    };
    return this.until(check, options.timeoutMs, 'waitFor').then(() => value as T);
  }

  /** Resolves after the next change batch, or after `timeoutMs` (never rejects for time). */
  nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('change', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('change', done);
    });
  }

  private until(check: () => boolean, timeoutMs: number | undefined, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        this.off('change', onEvent);
        this.off('state', onEvent);
      };
      const onEvent = (): void => {
        try {
          if (check()) {
            cleanup();
            resolve();
          } else if (this._state === 'closed') {
            cleanup();
            reject(new OvsdbDisconnectedError(`${what}: client closed`));
          }
        } catch (err) {
          cleanup();
          reject(err as Error);
        }
      };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => {
          cleanup();
          reject(new OvsdbTimeoutError(`${what}: not satisfied within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.on('change', onEvent);
      this.on('state', onEvent);
      onEvent();
    });
  }

  // ---------- requests ----------

  private readyPeer(method: string): JsonRpcPeer {
    if (this._state !== 'ready' || !this.peer || this.peer.isClosed) {
      throw new OvsdbDisconnectedError(`${method}: client is ${this._state}`);
    }
    return this.peer;
  }

  /** Sends a raw JSON-RPC request on the ready connection. */
  async request<R = unknown>(method: string, params: unknown[], timeoutMs = this.opts.requestTimeoutMs): Promise<R> {
    return this.readyPeer(method).request<R>(method, params, { timeoutMs });
  }

  /**
   * Runs `ops` as one transaction (RFC 7047 §5.2) and returns their decoded results. Rejects with
   * OvsdbOpError (failing op index), OvsdbCommitError, OvsdbDisconnectedError (at once when not ready) or
   * OvsdbTimeoutError. Resolves after the monitor updates the server sent before the reply are in the cache
   * (ovsdb-server(7) §4.1.5 orders them first), so reads right after see the transaction's writes.
   */
  async transact<const T extends readonly Op[]>(ops: T, options: { timeoutMs?: number } = {}): Promise<ResultsOf<T>> {
    const peer = this.readyPeer('transact');
    const schema = this._schema!;
    const params = [this.database, ...ops.map((o) => encodeOp(schema, o))];
    const results = await peer.request('transact', params, {
      timeoutMs: options.timeoutMs ?? this.opts.requestTimeoutMs,
      // RFC 7047 §4.1.4: cancel is a notification naming the request id.
      onTimeout: (id) => !peer.isClosed && peer.notify('cancel', [id]),
    });
    return checkResults(schema, ops, results);
  }

  listDbs(): Promise<string[]> {
    return this.request('list_dbs', []);
  }
  async getSchema(database = this.database): Promise<DatabaseSchema> {
    return parseSchema(await this.request('get_schema', [database]));
  }
  echo(...args: unknown[]): Promise<unknown[]> {
    return this.request('echo', args);
  }
  /** Raw `monitor` (RFC 7047 §4.1.5); updates arrive as `notification` events ("update"). */
  monitor(database: string, monitorId: unknown, requests: Record<string, unknown>): Promise<unknown> {
    return this.request('monitor', [database, monitorId, requests]);
  }
  /** Raw `monitor_cond` (ovsdb-server(7)); updates arrive as "update2" notifications. */
  monitorCond(database: string, monitorId: unknown, requests: Record<string, unknown>): Promise<unknown> {
    return this.request('monitor_cond', [database, monitorId, requests]);
  }
  /** Raw `monitor_cond_since`: resolves `[found, lastTxnId, updates2]`; updates arrive as "update3". */
  monitorCondSince(database: string, monitorId: unknown, requests: Record<string, unknown>, lastTxnId: string = ZERO_UUID): Promise<[boolean, string, unknown]> {
    return this.request('monitor_cond_since', [database, monitorId, requests, lastTxnId]);
  }
  monitorCancel(monitorId: unknown): Promise<unknown> {
    return this.request('monitor_cancel', [monitorId]);
  }
  /** `lock` (RFC 7047 §4.1.8). Remembered and re-requested after a reconnect; watch `locked`/`stolen`. */
  async lock(lockId: string): Promise<{ locked: boolean }> {
    this.locks.add(lockId);
    return this.request('lock', [lockId]);
  }
  async steal(lockId: string): Promise<{ locked: boolean }> {
    this.locks.add(lockId);
    return this.request('steal', [lockId]);
  }
  async unlock(lockId: string): Promise<Record<string, never>> {
    this.locks.delete(lockId);
    return this.request('unlock', [lockId]);
  }
  setDbChangeAware(aware = true): Promise<unknown> {
    return this.request('set_db_change_aware', [aware]);
  }
  getServerId(): Promise<string> {
    return this.request('get_server_id', []);
  }

  // ---------- connection loop ----------

  private setState(next: ClientState): void {
    const prev = this._state;
    if (prev === next || prev === 'closed') return;
    this._state = next;
    this.log.debug({ state: next, prev }, 'ovsdb client state');
    this.emit('state', next, prev);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let delay = this.opts.reconnectMinMs;
    let failures = 0;
    while (this._state !== 'closed') {
      const remote = this.remotes[this.remoteIndex % this.remotes.length];
      this.remoteIndex++;
      let ended: Promise<void> | undefined;
      try {
        ended = (await this.session(remote)).ended;
      } catch (err) {
        this.log.info({ remote: remote.text, err: (err as Error).message }, 'ovsdb connect failed');
      }
      if (ended) {
        delay = this.opts.reconnectMinMs;
        failures = 0;
        await ended;
        if ((this._state as ClientState) === 'closed') break;
        this.setState('reconnecting');
        await this.sleep(jitter(this.opts.reconnectMinMs));
      } else if (++failures >= this.remotes.length) {
        failures = 0;
        await this.sleep(jitter(delay));
        delay = Math.min(this.opts.reconnectMaxMs, delay * 2);
      }
    }
  }

  /** Connects and sets up one session; resolves with a promise of its end, rejects if setup failed. */
  private async session(remote: Remote): Promise<{ ended: Promise<void> }> {
    const stream = await openTransport(remote, this.opts.requestTimeoutMs, this.opts.tls);
    const peer = new JsonRpcPeer(stream, this.log, this.opts.maxMessageBytes);
    if (this._state === 'closed') {
      peer.close();
      throw new OvsdbDisconnectedError('closed while connecting');
    }
    const ended = new Promise<void>((resolve) =>
      peer.once('close', (reason?: Error) => {
        this.log.info({ remote: remote.text, reason: reason?.message }, 'ovsdb connection closed');
        if (this.peer === peer) this.peer = undefined;
        resolve();
      }),
    );
    peer.on('notification', (method: string, params: unknown[]) => this.onNotification(peer, method, params));
    this.peer = peer;
    this._remote = remote;
    try {
      await this.handshake(peer);
    } catch (err) {
      peer.close(err as Error);
      throw err;
    }
    this.startProbe(peer);
    for (const lock of this.locks) {
      peer.request('lock', [lock], { timeoutMs: this.opts.requestTimeoutMs }).then(
        (r) => (r as { locked?: boolean })?.locked && this.emit('locked', lock),
        () => undefined,
      );
    }
    return { ended };
  }

  private async handshake(peer: JsonRpcPeer): Promise<void> {
    const timeoutMs = this.opts.requestTimeoutMs;
    const multi = this.remotes.length > 1;
    if (this.database !== '_Server') {
      const info = await this.readServerInfo(peer);
      if (info) {
        const reason = rejectReason(info, this.opts.leaderOnly && multi, this.minIndex);
        if (reason) throw new Error(reason);
        if (info.index !== undefined && info.index > this.minIndex) this.minIndex = info.index;
        if (info.model === 'clustered' && this.opts.leaderOnly && multi) {
          await peer.request('monitor_cond', ['_Server', SERVER_MONITOR, { Database: [{ columns: ['leader', 'connected'], where: [['name', '==', this.database]] }] }], { timeoutMs });
        }
      }
      this._server = info;
    }
    const schema = parseSchema(await peer.request('get_schema', [this.database], { timeoutMs }));
    if (this._schema && this._schema.cksum !== schema.cksum) this.lastTxnId = ZERO_UUID;
    const selection = monitorSelection(schema, this.opts.tables);
    for (;;) {
      const method = this.methods[0];
      try {
        await peer.request(method, monitorParams(method, this.database, CACHE_MONITOR, selection, this.lastTxnId), {
          timeoutMs,
          // Synchronous: later updates on this connection must apply on top of this state.
          onResult: (result) => this.onMonitorReply(method, schema, selection, result),
        });
        return;
      } catch (err) {
        if (err instanceof OvsdbRpcError && err.code === 'unknown method' && this.methods.length > 1) {
          this.methods.shift();
          continue;
        }
        throw err;
      }
    }
  }

  private async readServerInfo(peer: JsonRpcPeer): Promise<ServerDatabaseInfo | undefined> {
    let results: unknown;
    try {
      results = await peer.request('transact', ['_Server', { op: 'select', table: 'Database', where: [['name', '==', this.database]], columns: ['name', 'model', 'connected', 'leader', 'cid', 'sid', 'index'] }], { timeoutMs: this.opts.requestTimeoutMs });
    } catch (err) {
      // Servers older than OVS 2.9 have no _Server database: nothing to check.
      if (err instanceof OvsdbRpcError) return undefined;
      throw err;
    }
    const rows = (results as { rows?: Record<string, unknown>[] }[])[0]?.rows ?? [];
    if (rows.length === 0) throw new Error(`database ${this.database} is not served here`);
    return parseServerDatabase(rows[0]);
  }

  private onMonitorReply(method: MonitorMethod, schema: DatabaseSchema, selection: Map<string, string[]>, result: unknown): void {
    const changes: RowChange[] = this.cache.configure(schema, selection);
    this._schema = schema;
    if (method === 'monitor_cond_since') {
      const [found, lastTxnId, updates] = result as [boolean, string, never];
      this.lastTxnId = lastTxnId;
      changes.push(...(found ? this.cache.applyUpdate2(updates) : this.cache.replaceAll(updates, 2)));
    } else {
      changes.push(...this.cache.replaceAll(result as never, method === 'monitor' ? 1 : 2));
    }
    this.setState('ready');
    this.emitBatch({ changes, initial: true });
  }

  private onNotification(peer: JsonRpcPeer, method: string, params: unknown[]): void {
    if (peer !== this.peer) return;
    const [id] = params;
    if (id === SERVER_MONITOR && (method === 'update2' || method === 'update3')) {
      const reason = serverMonitorShowsLoss(method === 'update3' ? params[2] : params[1]);
      if (reason) peer.close(new Error(reason));
      return;
    }
    if (id === CACHE_MONITOR && this._schema) {
      if (method === 'update') return this.emitBatch({ changes: this.cache.applyUpdate(params[1] as never), initial: false });
      if (method === 'update2') return this.emitBatch({ changes: this.cache.applyUpdate2(params[1] as never), initial: false });
      if (method === 'update3') {
        this.lastTxnId = params[1] as string;
        return this.emitBatch({ changes: this.cache.applyUpdate2(params[2] as never), initial: false });
      }
    }
    if (method === 'locked' || method === 'stolen') {
      this.emit(method, id);
      return;
    }
    if (method === 'monitor_canceled') {
      // The database was converted or removed (set_db_change_aware): resubscribe from scratch.
      peer.close(new Error('monitor canceled by server'));
      return;
    }
    this.emit('notification', method, params);
  }

  private emitBatch(batch: ChangeBatch): void {
    if (batch.changes.length === 0 && !batch.initial) return;
    this.changeSeq++;
    try {
      this.emit('change', batch);
    } catch (err) {
      this.log.error({ err }, 'ovsdb change listener threw');
    }
  }

  /** Inactivity probe (lib/jsonrpc.c): echo after silence; no answer within the interval drops the link. */
  private startProbe(peer: JsonRpcPeer): void {
    const interval = this.opts.probeIntervalMs;
    if (!interval) return;
    let probing = false;
    const timer = setInterval(
      () => {
        if (peer.isClosed) return clearInterval(timer);
        if (probing || Date.now() - peer.lastReceiveAt < interval) return;
        probing = true;
        peer.request('echo', ['probe'], { timeoutMs: interval }).then(
          () => (probing = false),
          (err) => {
            if (err instanceof OvsdbTimeoutError) {
              this.log.warn({ remote: this.remote }, 'ovsdb inactivity probe failed, reconnecting');
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
