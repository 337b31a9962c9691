import { execFile, spawn } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';
import { Semaphore } from '../../common/semaphore';
import { DriverError } from '../../protocol/errors';
import { SANDBOX_ROUTE_PROTO, SandboxRoute, SandboxRouteOps, SandboxState } from './sandbox-route-ops';

const run = promisify(execFile);
const TIMEOUT_MS = 5000;
/**
 * The driver's routes yield to any other route to the same destination (the kernel's connected routes
 * have metric 0 in IPv4, 256 in IPv6), so an address dockerd programs later never collides with one.
 */
const METRIC = '4000';
/**
 * nsenter processes at once, whatever asks: Joins on several networks, Leaves and resyncs each start their
 * own, and `compose up --scale` of hundreds would otherwise fork hundreds of them together, each then
 * running into its timeout.
 */
const MAX_PROCESSES = 12;

interface IpAddr {
  ifname: string;
  addr_info?: { local: string; prefixlen: number; scope: string }[];
}
interface IpRoute {
  dst: string;
  gateway?: string;
}

/** statfs(2) f_type of nsfs, the filesystem of namespace files (linux/magic.h NSFS_MAGIC). */
export const NSFS_MAGIC = 0x6e736673;

/** nsenter's complaint when the namespace file went away between our stat and its open. */
const GONE = /No such file or directory|Invalid argument|reassociate/;

/**
 * SandboxRouteOps with iproute2 run in the sandbox's namespace by nsenter(1), always as argument arrays.
 * A process per read or change: these run beside the verbs (after Join, on vrf changes), never inside
 * Join's wait for the dataplane, and netlink cannot be pointed at another namespace from Node's thread.
 */
@Injectable()
export class NsenterRouteOps extends SandboxRouteOps {
  private readonly processes = new Semaphore(MAX_PROCESSES);

  async read(sandboxKey: string): Promise<SandboxState | undefined> {
    if (!(await this.exists(sandboxKey))) return undefined;
    try {
      const [addrs, routes4, routes6] = await Promise.all([
        this.ip<IpAddr[]>(sandboxKey, ['-j', 'addr', 'show']),
        this.ip<IpRoute[]>(sandboxKey, ['-j', '-4', 'route', 'show', 'proto', String(SANDBOX_ROUTE_PROTO)]),
        this.ip<IpRoute[]>(sandboxKey, ['-j', '-6', 'route', 'show', 'proto', String(SANDBOX_ROUTE_PROTO)]),
      ]);
      return {
        addresses: addrs.flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`)),
        routes: [...routes4, ...routes6]
          .filter((r) => r.gateway && r.dst.includes('/'))
          .map((r) => ({ destination: r.dst, via: r.gateway! })),
      };
    } catch (e) {
      if (GONE.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  async apply(sandboxKey: string, change: { add: SandboxRoute[]; remove: SandboxRoute[] }): Promise<void> {
    const lines = [
      ...change.remove.map((r) => `route del ${r.destination} via ${r.via} proto ${SANDBOX_ROUTE_PROTO} metric ${METRIC}`),
      ...change.add.map((r) => `route replace ${r.destination} via ${r.via} proto ${SANDBOX_ROUTE_PROTO} metric ${METRIC}`),
    ];
    if (lines.length === 0 || !(await this.exists(sandboxKey))) return;
    const stderr = await this.processes.run(() => this.batch(sandboxKey, lines));
    if (stderr && !GONE.test(stderr)) throw new Error(`routes in ${sandboxKey}: ${stderr.trim()}`);
  }

  private batch(sandboxKey: string, lines: string[]): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      // -force: one refused line (a route that went with its interface) does not stop the others.
      const child = spawn('nsenter', [`--net=${sandboxKey}`, 'ip', '-force', '-batch', '-'], {
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: TIMEOUT_MS,
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve('') : resolve(err || `exit ${code}`)));
      child.stdin.end(`${lines.join('\n')}\n`);
    });
  }

  /**
   * dockerd makes the SandboxKey file first and bind-mounts the container's namespace onto it when the
   * container starts (moby libnetwork osl, the libnetwork-setkey hook): a plain file there is normal for a
   * moment. One that stays plain means the mount never reached the driver's mount namespace.
   */
  override async diagnose(sandboxKey: string): Promise<string | undefined> {
    const fs = await statfs(sandboxKey).catch(() => undefined);
    if (!fs || fs.type === NSFS_MAGIC) return undefined;
    return (
      `${sandboxKey} exists but is no network namespace (filesystem type 0x${fs.type.toString(16)}, not nsfs): ` +
      `dockerd's bind mount of the container's namespace is not visible where the driver runs. That happens when dockerd ` +
      `runs in a chroot or another mount namespace and /run is not a shared mount there (findmnt -o TARGET,PROPAGATION /run); ` +
      `make it one (mount --make-shared /run) before starting dockerd`
    );
  }

  /** True for an existing namespace file other than the driver's own namespace (which is never touched). */
  private async exists(sandboxKey: string): Promise<boolean> {
    const [target, self] = await Promise.all([stat(sandboxKey).catch(() => undefined), stat('/proc/self/ns/net')]);
    if (!target) return false;
    if (target.ino === self.ino && target.dev === self.dev) {
      throw new DriverError('BAD_SANDBOX', `SandboxKey ${sandboxKey} is the driver's own network namespace`);
    }
    return true;
  }

  private async ip<T>(sandboxKey: string, args: string[]): Promise<T> {
    const { stdout } = await this.processes.run(() => run('nsenter', [`--net=${sandboxKey}`, 'ip', ...args], { timeout: TIMEOUT_MS }));
    return JSON.parse(stdout || '[]') as T;
  }
}
