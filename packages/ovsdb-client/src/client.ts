import { EventEmitter } from 'node:events';
import { ChangeBatch, OvsdbCache, RowChange } from './cache';
import { ZERO_UUID } from './codec';
import { CACHE_MONITOR, ConnectionLoop, ResolvedOptions, SERVER_MONITOR } from './connection';
import { OvsdbDisconnectedError, OvsdbProtocolError, OvsdbTimeoutError } from './errors';
import { JsonRpcPeer } from './jsonrpc';
import { OvsdbLogger, silentLogger } from './logger';
import { MonitorMethod, serverMonitorShowsLoss } from './monitor';
import { Op, Ops, ResultsOf, encodeOp, opsFor } from './ops';
import { DEFAULTS, OvsdbClientOptions } from './options';
import { DatabaseSchema, parseSchema } from './schema';
import { ServerDatabaseInfo } from './server-info';
import { checkResults } from './transact';
import { Remote } from './transport';
import type { LooseTables, TableMap } from './typed';

/** idle → connecting → ready ⇄ reconnecting → closed. */
export type ClientState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

/**
 * A long-lived OVSDB connection with a replicated cache.
 *
 * Events: `state(state, previous)`, `change(batch: ChangeBatch)`, `locked(lockId)`, `stolen(lockId)`,
 * `notification(method, params)` for notifications it does not consume itself (e.g. your own monitors),
 * `incompatible(err: OvsdbSchemaMismatchError)` when the server's schema lacks monitored tables or columns,
 * `connectFailed(remote: string, err: Error)` for each connection attempt that failed before its session
 * was up (the loop retries by itself; the error says why: refused, TLS, not the cluster leader, ...).
 *
 * `M` is a table map (e.g. `OvnNorthbound.TableMap`): with it, `cache`, `op` and the `tables` option are
 * checked against the model's table and column names. Without it everything is a loose `Row`.
 */
export class OvsdbClient<M extends TableMap = LooseTables> extends EventEmitter {
  /** The replica of the monitored tables. Valid (possibly stale) while reconnecting. */
  readonly cache = new OvsdbCache<M>();
  /** Op builders checked against `M` (the same functions as `op`). */
  readonly op: Ops<M> = opsFor<M>();
  readonly database: string;
  /** Incremented after each applied change batch. */
  changeSeq = 0;
  private _state: ClientState = 'idle';
  private peer?: JsonRpcPeer;
  private _schema?: DatabaseSchema;
  private _server?: ServerDatabaseInfo;
  private _remote?: Remote;
  private readonly opts: ResolvedOptions;
  private readonly log: OvsdbLogger;
  /** Where `monitor_cond_since` resumes after a reconnect (ovsdb-server(7)); advanced by each update3. */
  private lastTxnId = ZERO_UUID;
  /**
   * The cache no longer matches the server (an update or monitor reply that could not be applied): the
   * transaction id stays forgotten, whatever update of the same connection comes before it closes, until a
   * monitor reply is applied whole.
   */
  private inconsistent = false;
  private readonly locks = new Set<string>();
  private readonly loop: ConnectionLoop;

  constructor(options: OvsdbClientOptions<NoInfer<M>>) {
    super();
    this.opts = { ...DEFAULTS, ...(options as OvsdbClientOptions) };
    this.database = options.database;
    this.log = options.logger ?? silentLogger;
    this.cache.onIndexError = (table, index, uuid, err) =>
      this.log.warn(
        { table, index, uuid, err: (err as Error)?.message ?? String(err) },
        'ovsdb index key threw; row left out of that index',
      );
    this.loop = new ConnectionLoop(this.opts, this.log, {
      isClosed: () => this._state === 'closed',
      attach: (peer, remote) => {
        peer.on('notification', (method: string, params: unknown[]) => this.onNotification(peer, method, params));
        this.peer = peer;
        this._remote = remote;
      },
      detach: (peer) => {
        if (this.peer === peer) this.peer = undefined;
      },
      setServer: (info) => (this._server = info),
      resumeFrom: (schema) => {
        // A converted database (new checksum) has a history the old txn id does not belong to.
        if (this._schema && this._schema.cksum !== schema.cksum) this.lastTxnId = ZERO_UUID;
        return this.lastTxnId;
      },
      onMonitorReply: (method, schema, selection, result) => this.onMonitorReply(method, schema, selection, result),
      established: (peer) => this.relock(peer),
      reconnecting: () => this.setState('reconnecting'),
      incompatible: (err) => this.emit('incompatible', err),
      connectFailed: (remote, err) => this.emit('connectFailed', remote, err),
    });
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
    void this.loop.run();
    return this;
  }

  /** Closes the connection and stops reconnecting. Pending requests reject with OvsdbDisconnectedError. */
  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.setState('closed');
    this.loop.wake();
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
  waitFor<T>(predicate: (cache: OvsdbCache<M>) => T | undefined | false, options: { timeoutMs?: number } = {}): Promise<T> {
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
    const left = this.opts.timeLeft?.() ?? Infinity;
    if (left <= 0) throw new OvsdbTimeoutError('transact: the caller has no time left for it (timeLeft)');
    const schema = this._schema!;
    const params = [this.database, ...ops.map((o) => encodeOp(schema, o))];
    const results = await peer.request('transact', params, {
      timeoutMs: Math.min(options.timeoutMs ?? this.opts.requestTimeoutMs, left),
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
  monitorCondSince(
    database: string,
    monitorId: unknown,
    requests: Record<string, unknown>,
    lastTxnId: string = ZERO_UUID,
  ): Promise<[boolean, string, unknown]> {
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

  // ---------- session state (driven by ConnectionLoop) ----------

  private setState(next: ClientState): void {
    const prev = this._state;
    if (prev === next || prev === 'closed') return;
    this._state = next;
    this.log.debug({ state: next, prev }, 'ovsdb client state');
    this.emit('state', next, prev);
  }

  /** Locks are per connection (RFC 7047 §4.1.8): ask again for the ones held or wanted before. */
  private relock(peer: JsonRpcPeer): void {
    for (const lock of this.locks) {
      peer.request('lock', [lock], { timeoutMs: this.opts.requestTimeoutMs }).then(
        (r) => (r as { locked?: boolean })?.locked && this.emit('locked', lock),
        () => undefined,
      );
    }
  }

  private onMonitorReply(method: MonitorMethod, schema: DatabaseSchema, selection: Map<string, string[]>, result: unknown): void {
    const changes: RowChange[] = this.cache.configure(schema, selection);
    this._schema = schema;
    try {
      if (method === 'monitor_cond_since') {
        const [found, lastTxnId, updates] = result as [boolean, string, never];
        if (found) this.cache.applyUpdate2(updates, changes);
        else this.cache.replaceAll(updates, 2, changes);
        this.lastTxnId = lastTxnId;
      } else {
        this.cache.replaceAll(result as never, method === 'monitor' ? 1 : 2, changes);
      }
      this.inconsistent = false;
    } catch (err) {
      // The handshake fails and is tried again from nothing; listeners hear what was applied meanwhile.
      this.forgetPosition();
      this.emitBatch({ changes, initial: false });
      throw err;
    }
    this.setState('ready');
    this.emitBatch({ changes, initial: true });
  }

  /**
   * Applies one monitor update. One that cannot be applied means the cache no longer matches the server:
   * like lib/ovsdb-cs.c (ovsdb_cs_flag_inconsistency), forget where it stood and reconnect for a full
   * resync. The transaction id moves only once its update is in, so a resume never skips one.
   */
  private applyUpdate(peer: JsonRpcPeer, apply: (changes: RowChange[]) => void, txnId?: string): void {
    const changes: RowChange[] = [];
    try {
      apply(changes);
    } catch (err) {
      this.forgetPosition();
      this.log.error({ err: (err as Error).message }, 'ovsdb update could not be applied; resynchronizing');
      this.emitBatch({ changes, initial: false });
      peer.close(new OvsdbProtocolError(`inconsistent update: ${(err as Error).message}`));
      return;
    }
    if (txnId !== undefined && !this.inconsistent) this.lastTxnId = txnId;
    this.emitBatch({ changes, initial: false });
  }

  private forgetPosition(): void {
    this.lastTxnId = ZERO_UUID;
    this.inconsistent = true;
  }

  private onNotification(peer: JsonRpcPeer, method: string, params: unknown[]): void {
    if (peer !== this.peer) return;
    const [id] = params;
    if (id === SERVER_MONITOR && (method === 'update2' || method === 'update3')) {
      const reason = serverMonitorShowsLoss(method === 'update3' ? params[2] : params[1], this.loop.leaderMatters);
      if (reason) peer.close(new Error(reason));
      return;
    }
    if (id === CACHE_MONITOR && this._schema) {
      if (method === 'update') return this.applyUpdate(peer, (c) => this.cache.applyUpdate(params[1] as never, c));
      if (method === 'update2') return this.applyUpdate(peer, (c) => this.cache.applyUpdate2(params[1] as never, c));
      if (method === 'update3') return this.applyUpdate(peer, (c) => this.cache.applyUpdate2(params[2] as never, c), params[1] as string);
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

  /** Each listener on its own: one that throws must not keep the batch from the others (waitFor among them). */
  private emitBatch(batch: ChangeBatch): void {
    if (batch.changes.length === 0 && !batch.initial) return;
    this.changeSeq++;
    // rawListeners: a `once` listener's wrapper, which removes it as it runs.
    for (const listener of this.rawListeners('change')) {
      try {
        (listener as (b: ChangeBatch) => void).call(this, batch);
      } catch (err) {
        this.log.error({ err }, 'ovsdb change listener threw');
      }
    }
  }
}
