import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { OvsdbDisconnectedError, OvsdbProtocolError, OvsdbRpcError, OvsdbTimeoutError } from './errors';
import { JsonSplitter } from './framing';
import { parseJson, stringifyJson } from './json';
import { OvsdbLogger, silentLogger } from './logger';

/** Options of one request. */
export interface RequestOptions<R> {
  /** Reject with OvsdbTimeoutError after this long; 0 = never. */
  timeoutMs?: number;
  /**
   * Count `timeoutMs` from the last byte received rather than from the send: a reply that is still arriving
   * (a large monitor dump on a slow link, an echo queued behind a large update) is not timed out, a
   * silent peer still is (lib/jsonrpc.c counts any received data as activity).
   */
  idle?: boolean;
  /**
   * Runs synchronously in the receive loop when the reply arrives, before any later message is processed.
   * Monitor replies use it so the initial rows are in the cache before the next `update` is applied.
   */
  onResult?: (result: unknown) => R;
  /** Called on timeout, e.g. to send `cancel`. */
  onTimeout?: (id: number) => void;
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onResult?: (result: unknown) => unknown;
  timer?: NodeJS.Timeout;
}

interface Message {
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * A JSON-RPC 1.0 peer over one byte stream (RFC 7047 §4). Matches replies to requests by id, answers the
 * server's `echo` requests (ovsdb-server sends them as an inactivity probe on TCP/SSL and drops the
 * connection when unanswered) and emits every notification synchronously, in arrival order.
 *
 * Events: `notification(method, params)`, `request(method, params, id)` (other than echo),
 * `close(error?)`.
 */
export class JsonRpcPeer extends EventEmitter {
  private readonly splitter: JsonSplitter;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** `Date.now()` of the last byte received; drives the inactivity probe. */
  lastReceiveAt = Date.now();

  constructor(
    private readonly stream: Duplex,
    private readonly logger: OvsdbLogger = silentLogger,
    maxMessageBytes?: number,
  ) {
    super();
    this.splitter = new JsonSplitter(maxMessageBytes);
    // Keep reading promptly: ovsdb-server stops reading our requests while its output to us is
    // unsent (ovsdb-server(7)), so a paused reader deadlocks both ends.
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err) => this.shutdown(err));
    stream.on('close', () => this.shutdown());
    stream.on('end', () => this.shutdown());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a request; resolves with `result`, rejects with OvsdbRpcError / Timeout / Disconnected. */
  request<R = unknown>(method: string, params: unknown[], options: RequestOptions<R> = {}): Promise<R> {
    if (this.closed) return Promise.reject(new OvsdbDisconnectedError(`${method}: not connected`));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        onResult: options.onResult,
      };
      const timeoutMs = options.timeoutMs ?? 0;
      if (timeoutMs > 0) {
        const sentAt = Date.now();
        const expire = (): void => {
          const quiet = Date.now() - Math.max(sentAt, this.lastReceiveAt);
          if (options.idle && quiet < timeoutMs) {
            entry.timer = setTimeout(expire, timeoutMs - quiet);
            return;
          }
          this.pending.delete(id);
          options.onTimeout?.(id);
          reject(new OvsdbTimeoutError(`${method}: no reply within ${timeoutMs} ms${options.idle ? ' of silence' : ''}`));
        };
        entry.timer = setTimeout(expire, timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        this.write({ method, params, id });
      } catch (err) {
        this.pending.delete(id);
        if (entry.timer) clearTimeout(entry.timer);
        reject(err as Error);
      }
    });
  }

  /** Sends a notification (id null): no reply expected. `cancel` must be sent this way (RFC 7047 §4.1.4). */
  notify(method: string, params: unknown[]): void {
    if (this.closed) throw new OvsdbDisconnectedError(`${method}: not connected`);
    this.write({ method, params, id: null });
  }

  /** Closes the stream; pending requests reject with OvsdbDisconnectedError. */
  close(reason?: Error): void {
    this.shutdown(reason);
    this.stream.destroy();
  }

  private write(msg: object): void {
    const text = stringifyJson(msg);
    this.logger.debug({ msg: text.length > 512 ? text.slice(0, 512) + '…' : text }, 'ovsdb send');
    this.stream.write(text);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastReceiveAt = Date.now();
    let messages: Buffer[];
    try {
      messages = this.splitter.push(chunk);
    } catch (err) {
      this.close(err as Error);
      return;
    }
    for (const raw of messages) {
      if (this.closed) return;
      let msg: Message;
      try {
        msg = parseJson(raw.toString('utf8')) as Message;
      } catch (err) {
        this.close(new OvsdbProtocolError(`invalid JSON from peer: ${(err as Error).message}`));
        return;
      }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: Message): void {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.close(new OvsdbProtocolError('JSON-RPC message is not an object'));
      return;
    }
    if (typeof msg.method === 'string') {
      const params = Array.isArray(msg.params) ? msg.params : [];
      if (msg.id === null || msg.id === undefined) {
        this.emitSafely('notification', msg.method, params);
      } else if (msg.method === 'echo') {
        this.write({ id: msg.id, result: params, error: null });
      } else if (this.listenerCount('request') > 0) {
        this.emitSafely('request', msg.method, params, msg.id);
      } else {
        this.write({ id: msg.id, result: null, error: 'unknown method' });
      }
      return;
    }
    const entry = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!entry) {
      this.logger.debug({ id: msg.id }, 'ovsdb reply to unknown or timed-out request');
      return;
    }
    this.pending.delete(msg.id as number);
    if (entry.timer) clearTimeout(entry.timer);
    if (msg.error !== null && msg.error !== undefined) {
      entry.reject(new OvsdbRpcError(entry.method, msg.error));
      return;
    }
    try {
      entry.resolve(entry.onResult ? entry.onResult(msg.result) : msg.result);
    } catch (err) {
      entry.reject(err as Error);
    }
  }

  /** Replies to a request received from the peer. */
  reply(id: unknown, result: unknown, error: unknown = null): void {
    if (!this.closed) this.write({ id, result, error });
  }

  private emitSafely(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.logger.error({ err }, `ovsdb ${event} handler threw`);
    }
  }

  private shutdown(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    const err = new OvsdbDisconnectedError(reason ? `connection closed: ${reason.message.trim()}` : 'connection closed');
    for (const entry of this.pending.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.pending.clear();
    this.emit('close', reason);
  }
}
