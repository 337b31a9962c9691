import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { OvsdbTimeoutError } from './errors';

/** A parsed OVSDB remote (ovsdb-server(1) "active" connection methods). */
export type Remote = { kind: 'unix'; path: string; text: string } | { kind: 'tcp' | 'ssl'; host: string; port: number; text: string };

/** TLS material for `ssl:` remotes: PEM strings or Buffers. */
export interface TlsOptions {
  key?: string | Buffer;
  cert?: string | Buffer;
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Check the server certificate's name against the host. OVS itself only checks the CA chain
   * (certificates from ovs-pki carry no host names), so this is off by default when `ca` is given; without
   * `ca` the system's CAs are used, and the name is always checked.
   * @default false
   */
  checkServerIdentity?: boolean;
}

const DEFAULT_PORT = 6640;

/** Parses `unix:PATH`, `tcp:HOST[:PORT]`, `ssl:HOST[:PORT]`; IPv6 hosts in brackets. */
export function parseRemote(text: string): Remote {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1);
  if (colon < 0 || !rest) throw new TypeError(`invalid OVSDB remote "${text}"`);
  if (kind === 'unix') return { kind, path: rest, text: trimmed };
  if (kind !== 'tcp' && kind !== 'ssl') throw new TypeError(`unsupported OVSDB remote "${text}"`);
  let host: string;
  let port = DEFAULT_PORT;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  if (m) {
    host = m[1];
    if (m[2]) port = Number(m[2]);
  } else {
    // A bare IPv6 address without brackets and without port.
    host = rest;
  }
  if (!(port > 0 && port < 65536)) throw new TypeError(`invalid port in OVSDB remote "${text}"`);
  return { kind, host, port, text: trimmed };
}

/** Accepts "a,b,c", ["a","b"] or ["a,b"]; returns the parsed remotes in order. */
export function parseRemotes(remotes: string | readonly string[]): Remote[] {
  const list = (typeof remotes === 'string' ? [remotes] : remotes)
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  if (list.length === 0) throw new TypeError('no OVSDB remote given');
  return list.map(parseRemote);
}

/** Opens a stream to the remote; rejects after `timeoutMs`. */
export function openTransport(remote: Remote, timeoutMs: number, tlsOptions?: TlsOptions): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const readyEvent = remote.kind === 'ssl' ? 'secureConnect' : 'connect';
    if (remote.kind === 'unix') {
      socket = net.createConnection({ path: remote.path });
    } else if (remote.kind === 'tcp') {
      socket = net.createConnection({ host: remote.host, port: remote.port });
    } else {
      socket = tls.connect({
        host: remote.host,
        port: remote.port,
        key: tlsOptions?.key,
        cert: tlsOptions?.cert,
        ca: tlsOptions?.ca,
        // Without a CA of its own the server is checked against the system's CAs, which vouch for names:
        // skipping the name check then would accept any publicly issued certificate.
        ...(tlsOptions?.checkServerIdentity || tlsOptions?.ca === undefined ? {} : { checkServerIdentity: () => undefined }),
      });
    }
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            socket.destroy();
            reject(new OvsdbTimeoutError(`connect to ${remote.text}: timed out after ${timeoutMs} ms`));
          }, timeoutMs)
        : undefined;
    const onError = (err: Error): void => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', onError);
    socket.once(readyEvent, () => {
      if (timer) clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay?.(true);
      resolve(socket);
    });
  });
}
