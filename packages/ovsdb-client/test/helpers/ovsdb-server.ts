import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';
export const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

/** One ovsdb-server process on a temp dir, killed by pid. */
export class OvsdbServer {
  proc?: ChildProcess;
  readonly sock: string;
  readonly ctl: string;
  constructor(
    readonly dir: string,
    readonly db: string,
    readonly name: string,
    private readonly extraRemotes: string[] = [],
    private readonly extraArgs: string[] = [],
  ) {
    this.sock = join(dir, `${name}.sock`);
    this.ctl = join(dir, `${name}.ctl`);
  }

  get remote(): string {
    return `unix:${this.sock}`;
  }

  async start(): Promise<this> {
    rmSync(this.sock, { force: true });
    const args = [
      `--remote=punix:${this.sock}`,
      ...this.extraRemotes.map((r) => `--remote=${r}`),
      `--unixctl=${this.ctl}`,
      `--pidfile=${join(this.dir, `${this.name}.pid`)}`,
      `--log-file=${join(this.dir, `${this.name}.log`)}`,
      '-vconsole:off',
      ...this.extraArgs,
      this.db,
    ];
    const proc = spawn('ovsdb-server', args, { stdio: 'ignore' });
    this.proc = proc;
    const deadline = Date.now() + 10000;
    while (!(await canConnect(this.sock))) {
      if (proc.exitCode !== null) throw new Error(`ovsdb-server ${this.name} exited with ${proc.exitCode}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`ovsdb-server ${this.name} did not come up`);
      }
      await delay(20);
    }
    return this;
  }

  /** Kills the process (SIGKILL by default: a crash, not a clean shutdown) and waits for its exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /** Stops SIGSTOP/SIGCONT style freezing. */
  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }
  thaw(): void {
    this.proc?.kill('SIGCONT');
  }

  /** Runs a command-line tool against this server and returns stdout. */
  run(tool: string, args: string[]): string {
    return execFileSync(tool, args, { encoding: 'utf8', timeout: 10000 });
  }
}

export function canConnect(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = net.createConnection({ path });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function tempDir(prefix = 'ovsdb-client-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A standalone database from `schema`, served on a unix socket in a fresh temp dir. */
export async function startStandalone(schema = NB_SCHEMA, extraRemotes: string[] = [], extraArgs: string[] = []): Promise<OvsdbServer> {
  const dir = tempDir();
  const db = join(dir, 'db');
  execFileSync('ovsdb-tool', ['create', db, schema]);
  return new OvsdbServer(dir, db, 'standalone', extraRemotes, extraArgs).start();
}

/** Kills every server and removes its directory. */
export async function cleanup(...servers: (OvsdbServer | undefined)[]): Promise<void> {
  for (const s of servers) await s?.stop();
  for (const dir of new Set(servers.filter((s): s is OvsdbServer => !!s).map((s) => s.dir))) {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A free 127.0.0.1 TCP port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** An n-server RAFT cluster of `schema` (ovsdb-tool create-cluster / join-cluster on 127.0.0.1). */
export async function startCluster(n: number, schema = NB_SCHEMA, dbName = 'OVN_Northbound'): Promise<OvsdbServer[]> {
  const dir = tempDir('ovsdb-cluster-');
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  const servers: OvsdbServer[] = [];
  for (let i = 0; i < n; i++) {
    const db = join(dir, `db${i}`);
    const local = `tcp:127.0.0.1:${ports[i]}`;
    if (i === 0) execFileSync('ovsdb-tool', ['create-cluster', db, schema, local]);
    else execFileSync('ovsdb-tool', ['join-cluster', db, dbName, local, `tcp:127.0.0.1:${ports[0]}`]);
    servers.push(new OvsdbServer(dir, db, `s${i}`));
  }
  try {
    // The founder first: joiners back off for seconds after a refused connection.
    await servers[0].start();
    await Promise.all(servers.slice(1).map((s) => s.start()));
  } catch (err) {
    await cleanup(...servers);
    throw err;
  }
  return servers;
}
