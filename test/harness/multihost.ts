/**
 * Two Docker hosts on one machine, one OVN central, Geneve between them (docs/REAL-STACK.md, "Two
 * chassis on one machine"). Each host is a network namespace holding its chassis (OVS DB, ovs-vswitchd with
 * the userspace datapath, ovn-controller) and a complete Docker engine with the driver as plugin `ovn`
 * ({@link NamespacedEngine}). Two networks link them, as on many real sites:
 *
 *   - the management network: a Linux bridge here holding the central's address (NB, SB and northd run in the
 *     machine's own namespace) and a veth to each host, where ovn-controller and the driver reach the central
 *     over TCP. Kernel to kernel only: a TCP segment that the kernel sends with its checksum left to the
 *     device (veth offload) arrives broken when OVS's userspace datapath picks it up, so the central is not
 *     reached through br-phy.
 *   - the tunnel network: a veth pair between the hosts, each end in its host's br-phy, which holds the host's
 *     Geneve encap address (the userspace datapath's tunnel endpoint).
 *
 *        central 10.254.14.254 (management bridge)
 *          |                      |
 *   host A 10.254.14.1       host B 10.254.14.2
 *   br-phy 10.254.13.1 ----- br-phy 10.254.13.2
 *
 * Each host is configured by the README's "Multi-host" blocks, run verbatim with the host's values.
 *
 *   const mh = await TwoHosts.up();
 *   await mh.a.engine.docker('network', 'create', '-d', 'ovn', ...);
 *   await mh.down();
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { docBlock } from './doc-blocks';
import { NamespacedEngine } from './namespaced-engine';
import { run, Stack, waitFor } from './stack';

export interface DockerHost {
  label: 'A' | 'B';
  /** The host's chassis (host A's stack also holds the central). */
  stack: Stack;
  engine: NamespacedEngine;
  netns: string;
  /** Geneve encap address (plain IP). */
  encapIp: string;
  chassis: string;
  /** The docker CLI against this host's engine. */
  docker(...args: string[]): Promise<string>;
}

const PREFIX = '10.254.13';
const MGMT_PREFIX = '10.254.14';
const CENTRAL_IP = `${MGMT_PREFIX}.254`;

/** Runs a README block with bash, `set -eu`, in a network namespace with the given variables. */
export async function runDocBlock(id: string, netns: string | undefined, vars: Record<string, string>): Promise<string> {
  const cmd = ['bash', '-euc', docBlock(id)];
  const argv = netns ? ['ip', 'netns', 'exec', netns, ...cmd] : cmd;
  return run(argv[0]!, argv.slice(1), { env: { ...process.env, ...vars } });
}

export class TwoHosts {
  private torn = false;

  private constructor(
    readonly a: DockerHost,
    readonly b: DockerHost,
    private readonly tag: string,
  ) {}

  get hosts(): DockerHost[] {
    return [this.a, this.b];
  }

  /** The central's stack (NB, SB, northd live in host A's stack directory). */
  get central(): Stack {
    return this.a.stack;
  }

  /** Builds both hosts; on any failure tears down what it had made. */
  static async up(opts: { driverEnv?: Record<string, string> } = {}): Promise<TwoHosts> {
    const tag = randomBytes(2).toString('hex');
    const names = TwoHosts.names(tag);
    const stacks: Stack[] = [];
    const engines: NamespacedEngine[] = [];
    try {
      await run('ip', ['link', 'add', names.bridge, 'type', 'bridge']);
      await run('ip', ['addr', 'add', `${CENTRAL_IP}/24`, 'dev', names.bridge]);
      await run('ip', ['link', 'set', names.bridge, 'up']);
      await run('ip', ['netns', 'add', names.netns.a]);
      await run('ip', ['netns', 'add', names.netns.b]);
      await run('ip', [
        'link',
        'add',
        names.tunnel.a,
        'netns',
        names.netns.a,
        'type',
        'veth',
        'peer',
        'name',
        names.tunnel.b,
        'netns',
        names.netns.b,
      ]);
      for (const [h, i] of [
        ['a', 1],
        ['b', 2],
      ] as const) {
        const [ns, mgmt] = [names.netns[h], names.mgmt[h]];
        await run('ip', ['link', 'add', mgmt, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', ns]);
        await run('ip', ['link', 'set', mgmt, 'master', names.bridge, 'up']);
        await run('ip', ['-n', ns, 'addr', 'add', `${MGMT_PREFIX}.${i}/24`, 'dev', 'mgmt0']);
        await run('ip', ['-n', ns, 'link', 'set', 'mgmt0', 'up']);
      }
      const stackA = await Stack.up({ netns: names.netns.a, chassis: `mh-${tag}-a`, encapIp: `${PREFIX}.1/24`, phyPort: names.tunnel.a });
      stacks.push(stackA);
      // The central serves the hosts over TCP: its ovsdb-servers take their listeners from the DBs' connection
      // tables (as ovn-ctl starts them), which the README's central block fills.
      await stackA.appctl('nb', 'ovsdb-server/add-remote', 'db:OVN_Northbound,NB_Global,connections');
      await stackA.appctl('sb', 'ovsdb-server/add-remote', 'db:OVN_Southbound,SB_Global,connections');
      await runDocBlock('multihost-central', undefined, { OVN_NB_DB: stackA.nbRemote, OVN_SB_DB: stackA.sbRemote, CENTRAL_IP });
      const stackB = await Stack.up({
        central: stackA,
        netns: names.netns.b,
        chassis: `mh-${tag}-b`,
        encapIp: `${PREFIX}.2/24`,
        phyPort: names.tunnel.b,
      });
      stacks.push(stackB);

      const hosts = [stackA, stackB].map(
        (stack, i) =>
          ({ stack, label: i === 0 ? 'A' : 'B', netns: i === 0 ? names.netns.a : names.netns.b, encapIp: `${PREFIX}.${i + 1}` }) as const,
      );
      for (const h of hosts) await TwoHosts.configure(h.stack, h.netns, h.encapIp);
      for (const h of hosts) {
        await waitFor(async () => /geneve/.test(await h.stack.vsctl('--bare', '--columns=type', 'list', 'Interface')), {
          timeoutMs: 30_000,
          what: `a Geneve tunnel port in ${h.stack.chassis}'s br-int`,
        });
      }
      for (const h of hosts)
        engines.push(
          await NamespacedEngine.start({ netns: h.netns, stack: h.stack, label: `multihost-${h.label}`, driverEnv: opts.driverEnv }),
        );
      // The userspace datapath pushes a Geneve packet only once it knows the other end's MAC (its tunnel
      // neighbour cache), and drops the packets it has to ARP for. It learns only from ARP replies (and
      // gratuitous ARP) reaching br-phy: a ping each way is not enough, as the second host's kernel answers
      // from the request it saw and never asks. Each host asks once, as real hosts' traffic would have.
      for (const [netns, other] of [
        [names.netns.a, `${PREFIX}.2`],
        [names.netns.b, `${PREFIX}.1`],
      ])
        await run('ip', ['netns', 'exec', netns, 'busybox', 'arping', '-f', '-c3', '-w3', '-I', 'br-phy', other]);
      for (const [h, other] of [
        [hosts[0], hosts[1]],
        [hosts[1], hosts[0]],
      ] as const) {
        const cache = await h.stack.appctl('vswitchd', 'tnl/neigh/show');
        if (!cache.includes(`${other.encapIp} `))
          throw new Error(`host ${h.label}'s tunnel neighbour cache lacks ${other.encapIp}:\n${cache}`);
      }
      const [a, b] = hosts.map((h, i) => ({
        ...h,
        chassis: h.stack.chassis,
        engine: engines[i]!,
        docker: (...args: string[]) => engines[i]!.docker(...args),
      }));
      return new TwoHosts(a!, b!, tag);
    } catch (err) {
      for (const e of engines.reverse()) await e.stop().catch(() => undefined);
      for (const s of stacks.reverse()) await s.down().catch(() => undefined);
      await TwoHosts.removeLinks(tag);
      throw err;
    }
  }

  /**
   * The README's per-host block, with this host's values: the chassis' OVN settings in its Open_vSwitch DB
   * (ovs-vsctl finds it through OVS_RUNDIR, as it finds /var/run/openvswitch/db.sock on a host), which
   * ovn-controller follows (to the central's SB over TCP) and the driver reads (its NB).
   */
  private static async configure(stack: Stack, netns: string, ip: string): Promise<void> {
    await symlink(path.join(stack.dir, 'ovs.sock'), path.join(stack.dir, 'db.sock'));
    // The block also writes the chassis name where Debian's ovs-ctl reads it: here, the stack's own.
    await mkdir(path.join(stack.dir, 'etc', 'openvswitch'), { recursive: true });
    await runDocBlock('multihost-host', netns, {
      OVS_RUNDIR: stack.dir,
      OVS_SYSCONFDIR: path.join(stack.dir, 'etc'),
      CENTRAL_IP,
      HOST_IP: ip,
      HOST_NAME: stack.chassis,
    });
    const want = `connected tcp:${CENTRAL_IP}:6642 ${ip}`;
    let seen = '';
    await waitFor(
      async () => {
        const connected = (await stack.appctl('ovn-controller', 'connection-status')).trim();
        const remote = (await stack.vsctl('get', 'Open_vSwitch', '.', 'external_ids:ovn-remote')).trim().replace(/"/g, '');
        const encap = (await stack.sbctl('--bare', '--columns=ip', 'find', 'Encap', `chassis_name=${stack.chassis}`)).trim();
        seen = `${connected} ${remote} ${encap}`;
        return seen === want;
      },
      { timeoutMs: 30_000, what: `${stack.chassis} on the central's SB over TCP with encap ${ip}` },
    ).catch((err: Error) => {
      throw new Error(`${err.message} (want "${want}", saw "${seen}")`);
    });
  }

  private static names(tag: string) {
    return {
      bridge: `mh${tag}ul`,
      netns: { a: `mh-${tag}-a`, b: `mh-${tag}-b` },
      mgmt: { a: `mh${tag}ma`, b: `mh${tag}mb` },
      tunnel: { a: `mh${tag}ta`, b: `mh${tag}tb` },
    };
  }

  private static async removeLinks(tag: string): Promise<void> {
    const n = TwoHosts.names(tag);
    for (const link of [n.mgmt.a, n.mgmt.b, n.bridge]) await run('ip', ['link', 'del', link]).catch(() => undefined);
    for (const ns of [n.netns.a, n.netns.b]) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }

  /** Chassis names registered in the central's SB. */
  async chassisInSb(): Promise<string[]> {
    return (await this.central.sbctl('--bare', '--columns=name', 'list', 'Chassis')).split(/\s+/).filter(Boolean).sort();
  }

  /** Name of the chassis a logical port is bound to in SB ('' if unbound). */
  async boundChassis(logicalPort: string): Promise<string> {
    const uuid = (await this.central.sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', `logical_port=${logicalPort}`)).trim();
    if (!uuid) return '';
    return (await this.central.sbctl('get', 'Chassis', uuid, 'name')).trim().replace(/^"|"$/g, '');
  }

  /** The datapath flows of a host's ovs-vswitchd (tnl_push / tnl_pop show Geneve in use). */
  datapathFlows(host: DockerHost): Promise<string> {
    return host.stack.appctl('vswitchd', 'dpctl/dump-flows');
  }

  /**
   * Stops everything, in the order that leaves SB clean: both engines, host B's chassis (its ovn-controller
   * says goodbye to SB on `exit`), host A's ovn-controller the same way while the central still runs, then
   * host A's stack with the central. Returns the chassis left in SB just before the central went down
   * (expected: none). Idempotent.
   */
  async down(): Promise<{ chassisLeft: string[] }> {
    if (this.torn) return { chassisLeft: [] };
    this.torn = true;
    const errors: unknown[] = [];
    const step = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (err) {
        errors.push(err);
      }
    };
    let chassisLeft: string[] = [];
    await step(() => Promise.all(this.hosts.map((h) => h.engine.stop())));
    await step(() => this.b.stack.down());
    await step(async () => {
      const pid = Number((await readFile(path.join(this.a.stack.dir, 'ovn-controller.pid'), 'utf8')).trim());
      await this.a.stack.appctl('ovn-controller', 'exit');
      await waitFor(() => !this.a.stack.alivePids().includes(pid), { timeoutMs: 10_000, what: "host A's ovn-controller to exit" });
    });
    await step(async () => {
      chassisLeft = await this.chassisInSb();
    });
    await step(() => this.a.stack.down());
    await TwoHosts.removeLinks(this.tag);
    if (errors.length > 0) throw new AggregateError(errors, `multi-host teardown: ${errors.map(String).join('; ')}`);
    return { chassisLeft };
  }

  /** This harness's namespaces and devices still on the machine (expected after down(): none). */
  async remains(): Promise<string[]> {
    const n = TwoHosts.names(this.tag);
    const netns = (await run('ip', ['netns', 'list']))
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((x) => x === n.netns.a || x === n.netns.b);
    const links = (await run('ip', ['-o', 'link', 'show']))
      .split('\n')
      .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
      .filter((x) => x.startsWith(`mh${this.tag}`) || x === 'br-phy');
    return [...netns, ...links];
  }
}
