/**
 * A 3-node RAFT OVN Northbound cluster on 127.0.0.1 ports (ovsdb-tool create-cluster / join-cluster),
 * each server also on a unix socket for clients; servers are killed by pid.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { freePort, processAlive, run, waitFor } from './stack';

const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';

export class NbCluster {
  private constructor(
    readonly dir: string,
    readonly size: number,
  ) {}

  static async up(size = 3): Promise<NbCluster> {
    const dir = await mkdtemp('/tmp/nb-cluster-');
    const ports = await Promise.all(Array.from({ length: size }, freePort));
    const cluster = new NbCluster(dir, size);
    for (let i = 0; i < size; i++) {
      const db = path.join(dir, `nb${i}.db`);
      const local = `tcp:127.0.0.1:${ports[i]}`;
      if (i === 0) await run('ovsdb-tool', ['create-cluster', db, NB_SCHEMA, local]);
      else await run('ovsdb-tool', ['join-cluster', db, 'OVN_Northbound', local, `tcp:127.0.0.1:${ports[0]}`]);
    }
    for (let i = 0; i < size; i++) await cluster.start(i);
    await waitFor(async () => (await cluster.leader()) !== undefined, { timeoutMs: 20_000, what: 'a RAFT leader' });
    return cluster;
  }

  /** The clients' remote list: every server's unix socket. */
  get remotes(): string {
    return Array.from({ length: this.size }, (_, i) => `unix:${this.sock(i)}`).join(',');
  }

  sock(i: number): string {
    return path.join(this.dir, `nb${i}.sock`);
  }

  async start(i: number): Promise<void> {
    const f = (ext: string) => path.join(this.dir, `nb${i}.${ext}`);
    await run('ovsdb-server', [
      f('db'),
      `--remote=punix:${this.sock(i)}`,
      `--unixctl=${f('ctl')}`,
      `--pidfile=${f('pid')}`,
      `--log-file=${f('log')}`,
      '--detach',
    ]);
  }

  async pid(i: number): Promise<number> {
    return Number((await readFile(path.join(this.dir, `nb${i}.pid`), 'utf8')).trim());
  }

  /** Index of the server that says it is the leader. */
  async leader(): Promise<number | undefined> {
    for (let i = 0; i < this.size; i++) {
      const status = await run('ovs-appctl', ['-t', path.join(this.dir, `nb${i}.ctl`), 'cluster/status', 'OVN_Northbound']).catch(() => '');
      if (/Role: leader/.test(status)) return i;
    }
    return undefined;
  }

  async kill(i: number): Promise<void> {
    const pid = await this.pid(i);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processAlive(pid), { timeoutMs: 5000, what: `nb${i} to die` });
  }

  async down(): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      const pid = await this.pid(i).catch(() => 0);
      if (pid && processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
