/**
 * The driver as a real process (node dist/src/main.js), the way dockerd meets it: a legacy plugin socket
 * in /run/docker/plugins. `post` speaks to it exactly as dockerd does (POST, no Content-Type).
 *
 * With `netns` the process runs in that network namespace (`ip netns exec NS node ...`), so the veths it
 * makes are there: another "host" on this machine (test/harness/multihost.ts, namespaced-engine.ts). Its socket can then live
 * outside /run/docker/plugins (`socket`), where the machine's dockerd does not find it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request, type RequestOptions } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { repoRoot, waitFor } from './stack';
import { NODE_FLAGS } from '../../src/config/node-flags';
import type { Stack } from './stack';

export interface WireReply {
  status: number;
  body: unknown;
  raw: string;
}

export interface HttpReply extends WireReply {
  contentType?: string;
}

/** One HTTP request (unix socket or TCP, as `options` say) with `body` as JSON; the reply's body parsed when it is JSON. */
export function httpRequest(options: RequestOptions & { timeout: number }, body?: unknown): Promise<HttpReply> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ ...options, headers: { ...options.headers, 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (raw += c));
      res.on('end', () => {
        let parsed: unknown = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // keep the raw text (the metrics, an HTML page)
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, raw, contentType: res.headers['content-type'] });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${options.path}: no answer in ${options.timeout} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST `body` to `path` on a unix socket with dockerd's headers (no Content-Type). */
export function postUnix(socketPath: string, urlPath: string, body?: unknown, timeoutMs = 35_000): Promise<WireReply> {
  const headers = { accept: 'application/vnd.docker.plugins.v1.2+json' };
  // Status, body and text only: tests compare whole replies.
  return httpRequest({ socketPath, path: urlPath, method: 'POST', headers, timeout: timeoutMs }, body).then((r) => ({
    status: r.status,
    body: r.body,
    raw: r.raw,
  }));
}

export interface DriverOptions {
  stack: Stack;
  /** Plugin name: the socket is /run/docker/plugins/NAME.sock. Default: a random test name. */
  name?: string;
  /** Socket path instead of /run/docker/plugins/NAME.sock. */
  socket?: string;
  /** Run the process in this network namespace (default: the current one). */
  netns?: string;
  /**
   * Run the process under this command prefix instead (e.g. `nsenter -t PID -m -n --`: another host's mount and
   * network namespaces); `socketHere` is then where this process reaches `socket`, seen from here.
   */
  wrap?: string[];
  socketHere?: string;
  env?: Record<string, string>;
  /** Wait only for the socket, not for the OVSDB sessions (a driver started while a DB is down). */
  socketOnly?: boolean;
}

export class DriverProcess {
  private child?: ChildProcess;
  private output = '';

  private constructor(
    readonly name: string,
    /** The plugin socket, as this process reaches it. */
    readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Network namespace the process runs in, or undefined for the current one. */
    readonly netns?: string,
    private readonly wrap?: string[],
  ) {}

  static async start(opts: DriverOptions): Promise<DriverProcess> {
    const name = opts.name ?? `ovntest${randomBytes(3).toString('hex')}`;
    const socket = opts.socket ?? `/run/docker/plugins/${name}.sock`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      OVN_DRIVER_SOCKET: socket,
      OVN_DRIVER_PORT: '0',
      OVN_DRIVER_NB: opts.stack.nbRemote,
      OVN_DRIVER_OVS_DB: opts.stack.ovsRemote,
      OVN_DRIVER_BRIDGE: opts.stack.bridge,
      // In the stack's directory, not the host's /var/log/openvswitch.
      OVN_DRIVER_LOG_FILE: path.join(opts.stack.dir, `${name}.log`),
      ...opts.env,
    };
    const driver = new DriverProcess(name, opts.socketHere ?? socket, env, opts.netns, opts.wrap);
    await driver.spawn({ socketOnly: opts.socketOnly });
    return driver;
  }

  /** Everything the process printed so far (JSON log lines). */
  get logs(): string {
    return this.output;
  }

  post(verb: string, body?: unknown): Promise<WireReply> {
    return postUnix(this.socket, verb, body);
  }

  /** Starts the process (again) and waits until it answers on its socket and (unless socketOnly) its OVSDB sessions are up. */
  async spawn(opts: { socketOnly?: boolean } = {}): Promise<void> {
    const main = path.join(repoRoot(), 'dist', 'src', 'main.js');
    // `ip netns exec` execs the program after setns: the child's pid is node's, and signals reach it.
    const node = [process.execPath, ...NODE_FLAGS, main];
    const prefix = this.wrap ?? (this.netns ? ['ip', 'netns', 'exec', this.netns] : []);
    const [cmd, args] = prefix.length > 0 ? [prefix[0]!, [...prefix.slice(1), ...node]] : [node[0]!, node.slice(1)];
    const child = spawn(cmd, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`driver exited with ${child.exitCode}:\n${this.output}`);
        if (!existsSync(this.socket)) return false;
        if (opts.socketOnly) return (await this.post('/Plugin.Activate').catch(() => undefined))?.status === 200;
        // GetCapabilities answers as soon as the socket listens; EndpointOperInfo of an unknown ID answers
        // "not known" only once NB is connected (before that it is 503 "not connected").
        const r = await this.post('/NetworkDriver.EndpointOperInfo', { NetworkID: 'f'.repeat(64), EndpointID: 'f'.repeat(64) }).catch(
          () => undefined,
        );
        return r !== undefined && r.status !== 503;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `driver ${this.name} ready` },
    );
  }

  /** Sends `signal` to the running process (e.g. SIGHUP to reopen its log file). */
  signal(signal: NodeJS.Signals): void {
    if (!this.child || this.child.exitCode !== null) throw new Error(`driver ${this.name} is not running`);
    this.child.kill(signal);
  }

  /** Stops the process with `signal` and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
