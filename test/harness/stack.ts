/**
 * Real-stack test harness: a private OVN + OVS stack (NB/SB ovsdb-servers,
 * ovn-northd, OVS ovsdb-server, ovs-vswitchd with the userspace datapath,
 * ovn-controller) started by scripts/stack.sh in its own directory.
 *
 *   const stack = await Stack.up();            // temp dir under /tmp
 *   await stack.nbctl('ls-add', 'sw0');
 *   await stack.vsctl('add-port', stack.bridge, 'veth0');
 *   await stack.down();
 *
 * Only ONE stack per network namespace can own the userspace datapath (its
 * "ovs-netdev" tap device): to run a second stack at the same time pass
 * `netns` so that its ovs-vswitchd/ovn-controller live in that namespace, and
 * move the ports into `stack.netns` before adding them to the bridge.
 *
 * A second chassis of the same OVN central (another "host" on this machine) is a chassis-only stack:
 *
 *   const hostB = await Stack.up({ central: stack, netns: 'hostB', encapIp: '10.254.0.2/24', phyPort: 'vethB' });
 *
 * (see test/harness/multihost.ts for two hosts linked by Geneve).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { RETIRED_LINK_GROUP } from '../../src/modules/host/link-ops';

/** Name in the root package.json; used to locate the repository root. */
const ROOT_PACKAGE_NAME = 'docker-ovn-driver';

let cachedRoot: string | undefined;

/** Repository root: walk up from here until package.json has our name (works from src and dist). */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === ROOT_PACKAGE_NAME) return (cachedRoot = dir);
      } catch {
        // not JSON: keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repository root (package.json named ${ROOT_PACKAGE_NAME}) not found above ${__dirname}`);
    dir = up;
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** milliseconds; default 60 s */
  timeout?: number;
  cwd?: string;
}

export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly code: number | string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${[cmd, ...args].join(' ')} failed (${code ?? 'signal'}): ${stderr.trim() || stdout.trim()}`);
    this.name = 'CommandError';
  }
}

/** Run a program with an argument array (never a shell) and return its stdout. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeout ?? 60_000, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: number | string; signal?: string };
          reject(new CommandError(cmd, args, e.code ?? e.signal ?? null, stdout, stderr));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Poll `fn` until it returns a truthy value (which is returned) or the timeout passes. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const why = lastErr instanceof Error ? `: ${lastErr.message}` : '';
      throw new Error(`timed out after ${opts.timeoutMs ?? 20_000} ms waiting for ${opts.what ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True if the process exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export interface StackOptions {
  /** Directory for all run/db/log files. Default: a fresh mkdtemp under /tmp (removed by down()). */
  dir?: string;
  /** Run ovs-vswitchd + ovn-controller in this network namespace (created if missing, deleted by down() if created). */
  netns?: string;
  /** Integration bridge name (default br-int). */
  bridge?: string;
  /** Chassis name / system-id (default: harness-<random>). */
  chassis?: string;
  /** Seconds stack.sh waits for each readiness step (default 30). */
  timeoutSec?: number;
  /**
   * Start a chassis only (OVS DB, ovs-vswitchd, ovn-controller) on this stack's OVN central (NB, SB,
   * northd): another host. down() then removes the chassis from the central's SB.
   */
  central?: Stack;
  /** Geneve encap address (default 127.0.0.1); ADDR/PREFIX with `phyPort`. */
  encapIp?: string;
  /** Interface (already in `netns`) put into a netdev bridge br-phy that holds `encapIp`: the tunnel's way out. */
  phyPort?: string;
}

/** The daemons' pidfiles inside the stack directory (a chassis-only stack has the last three). */
const PIDFILES = ['nb.pid', 'sb.pid', 'northd.pid', 'ovsdb.pid', 'vswitchd.pid', 'ovn-controller.pid'];
const CHASSIS_PIDFILES = ['ovsdb.pid', 'vswitchd.pid', 'ovn-controller.pid'];

export class Stack {
  private stopped = false;
  /** Pids of this stack's daemons, read right after `up` (the pidfiles go away on down). */
  readonly pids: readonly number[];

  private constructor(
    readonly dir: string,
    readonly nbRemote: string,
    readonly sbRemote: string,
    readonly ovsRemote: string,
    readonly chassis: string,
    readonly bridge: string,
    /** Network namespace of ovs-vswitchd/ovn-controller, or undefined for the current one. */
    readonly netns: string | undefined,
    private readonly ownDir: boolean,
    pids: number[],
    /** Directory of the stack whose NB/SB this chassis-only stack uses; undefined for a full stack. */
    readonly centralDir?: string,
  ) {
    this.pids = pids;
  }

  static scriptPath(): string {
    return path.join(repoRoot(), 'scripts', 'stack.sh');
  }

  static async up(opts: StackOptions = {}): Promise<Stack> {
    const ownDir = !opts.dir;
    const dir = opts.dir ?? (await mkdtemp('/tmp/ovn-stack-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    // never inherit the caller's choices for these
    delete env.STACK_NETNS;
    delete env.OVN_BRIDGE;
    delete env.OVN_CHASSIS;
    delete env.STACK_CENTRAL;
    delete env.STACK_ENCAP_IP;
    delete env.STACK_PHY_PORT;
    if (opts.central) env.STACK_CENTRAL = opts.central.dir;
    if (opts.encapIp) env.STACK_ENCAP_IP = opts.encapIp;
    if (opts.phyPort) env.STACK_PHY_PORT = opts.phyPort;
    if (opts.netns) env.STACK_NETNS = opts.netns;
    if (opts.bridge) env.OVN_BRIDGE = opts.bridge;
    if (opts.chassis) env.OVN_CHASSIS = opts.chassis;
    if (opts.timeoutSec) env.STACK_TIMEOUT = String(opts.timeoutSec);

    let out: string;
    try {
      out = await run('bash', [Stack.scriptPath(), 'up', dir], { env, timeout: ((opts.timeoutSec ?? 30) * 6 + 30) * 1000 });
    } catch (err) {
      const logs = await tailLogs(dir).catch(() => '');
      if (ownDir && !process.env.HARNESS_KEEP_STACK) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new Error(`stack.sh up ${dir} failed: ${(err as Error).message}\n${logs}`);
    }
    const vars = parseEnvLines(out);
    for (const k of ['OVN_NB', 'OVN_SB', 'OVS_DB', 'OVN_CHASSIS', 'OVN_BRIDGE', 'STACK_DIR']) {
      if (!vars[k]) throw new Error(`stack.sh up did not print ${k}; output was:\n${out}`);
    }
    const stackDir = vars.STACK_DIR!;
    const pids: number[] = [];
    for (const f of vars.STACK_CENTRAL ? CHASSIS_PIDFILES : PIDFILES) {
      const pid = Number((await readFile(path.join(stackDir, f), 'utf8')).trim());
      if (pid > 0) pids.push(pid);
    }
    return new Stack(
      stackDir,
      vars.OVN_NB!,
      vars.OVN_SB!,
      vars.OVS_DB!,
      vars.OVN_CHASSIS!,
      vars.OVN_BRIDGE!,
      vars.STACK_NETNS || undefined,
      ownDir,
      pids,
      vars.STACK_CENTRAL || undefined,
    );
  }

  /** Environment variables describing this stack (as printed by stack.sh). */
  get env(): Record<string, string> {
    return {
      OVN_NB: this.nbRemote,
      OVN_SB: this.sbRemote,
      OVS_DB: this.ovsRemote,
      OVN_CHASSIS: this.chassis,
      OVN_BRIDGE: this.bridge,
      STACK_NETNS: this.netns ?? '',
      STACK_DIR: this.dir,
      STACK_CENTRAL: this.centralDir ?? '',
    };
  }

  /** Stop every daemon (by pidfile), delete a netns the stack created, and remove a temp dir we made. */
  async down(opts: { keepDir?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    await run('bash', [Stack.scriptPath(), 'down', this.dir], { timeout: 120_000 });
    this.stopped = true;
    const gone = () => this.alivePids().length === 0;
    try {
      await waitFor(gone, { timeoutMs: 10_000, what: `daemons of ${this.dir} to exit` });
    } catch {
      // What outlived stack.sh down (seen once on a loaded machine, in a RAFT test's teardown) dies by the
      // pid `up` reported; named on stderr, for whoever looks into why.
      const left = this.alivePids();
      const names = await Promise.all(
        left.map((pid) =>
          readFile(`/proc/${pid}/comm`, 'utf8').then(
            (c) => `${pid} ${c.trim()}`,
            () => `${pid}`,
          ),
        ),
      );
      process.stderr.write(`stack ${this.dir}: ${names.join(', ')} outlived stack.sh down; sending SIGKILL\n`);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      await waitFor(gone, { timeoutMs: 10_000, what: `daemons ${names.join(', ')} of ${this.dir} to die after SIGKILL` });
    }
    if (this.ownDir && !opts.keepDir && !process.env.HARNESS_KEEP_STACK) {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** Pids (from `up`) of this stack's daemons that are still alive (zombies count as dead). */
  alivePids(): number[] {
    return this.pids.filter(processAlive);
  }

  /** `scripts/stack.sh status DIR` output; `ok` is true if every daemon runs and the chassis is registered. */
  async status(): Promise<{ ok: boolean; output: string }> {
    try {
      return { ok: true, output: await run('bash', [Stack.scriptPath(), 'status', this.dir]) };
    } catch (err) {
      return { ok: false, output: err instanceof CommandError ? err.stdout + err.stderr : String(err) };
    }
  }

  nbctl(...args: string[]): Promise<string> {
    return run('ovn-nbctl', [`--db=${this.nbRemote}`, '--timeout=20', ...args], { env: this.clientEnv() });
  }

  sbctl(...args: string[]): Promise<string> {
    return run('ovn-sbctl', [`--db=${this.sbRemote}`, '--timeout=20', ...args], { env: this.clientEnv() });
  }

  vsctl(...args: string[]): Promise<string> {
    return run('ovs-vsctl', [`--db=${this.ovsRemote}`, '--timeout=20', ...args], { env: this.clientEnv() });
  }

  /**
   * ovs-appctl against one of this stack's daemons: target is 'vswitchd', 'northd', 'nb', 'sb', 'ovsdb' or
   * 'ovn-controller' (a chassis-only stack has only 'vswitchd', 'ovsdb' and 'ovn-controller').
   */
  async appctl(target: string, ...args: string[]): Promise<string> {
    let ctl = path.join(this.dir, `${target}.ctl`);
    if (target === 'ovn-controller') {
      const pid = (await readFile(path.join(this.dir, 'ovn-controller.pid'), 'utf8')).trim();
      ctl = path.join(this.dir, `ovn-controller.${pid}.ctl`);
    }
    return run('ovs-appctl', ['--timeout=20', '-t', ctl, ...args], { env: this.clientEnv() });
  }

  /** Run a command in the stack's network namespace (the current one if it has none). */
  exec(cmd: string, ...args: string[]): Promise<string> {
    return this.netns ? run('ip', ['netns', 'exec', this.netns, cmd, ...args]) : run(cmd, args);
  }

  /**
   * `ip -o link show` in the stack's network namespace once the veths the driver retired are deleted: it
   * deletes them in batches shortly after Leave (RETIRED_LINK_GROUP in src/modules/host/link-ops.ts).
   */
  async links(): Promise<string> {
    const retired = async () => (await this.exec('ip', '-o', 'link', 'show', 'group', String(RETIRED_LINK_GROUP))).trim() === '';
    await waitFor(retired, { timeoutMs: 5000, intervalMs: 20, what: 'the retired veths deleted' });
    return this.exec('ip', '-o', 'link', 'show');
  }

  /** Wait until ovn-controller marks the OVS interface as bound (external_ids:ovn-installed=true). */
  async waitInstalled(iface: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () =>
        /^"?true"?$/.test(
          (await this.vsctl('--if-exists', 'get', 'Interface', iface, 'external_ids:ovn-installed').catch(() => '')).trim(),
        ),
      { timeoutMs, what: `ovn-installed=true on ${iface}` },
    );
  }

  /** Clients must not touch system dirs either (e.g. ovs-appctl defaults). */
  private clientEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVN_RUNDIR', 'OVN_LOGDIR', 'OVN_DBDIR']) env[k] = this.dir;
    delete env.OVN_NB_DAEMON;
    delete env.OVN_SB_DAEMON;
    return env;
  }
}

function parseEnvLines(out: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

async function tailLogs(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.log')).sort()) {
    const lines = (await readFile(path.join(dir, f), 'utf8')).trimEnd().split('\n').slice(-5);
    parts.push(`--- ${path.join(dir, f)} (last lines)\n${lines.join('\n')}`);
  }
  return parts.join('\n');
}
