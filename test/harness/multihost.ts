/**
 * Two "hosts" on one machine, one OVN central, Geneve between them (docs/REAL-STACK.md, "Two chassis
 * on one machine"):
 *
 *   host A  the machine's own network namespace: the full stack (NB, SB, northd = the central; OVS DB,
 *           ovs-vswitchd, ovn-controller = chassis A), the driver as a legacy plugin in /run/docker/plugins,
 *           driven by the machine's real dockerd.
 *   host B  a network namespace of its own: a chassis-only stack on A's central (scripts/stack.sh with
 *           STACK_CENTRAL), the driver inside that namespace (`ip netns exec`) on a socket dockerd does not
 *           see, driven by {@link SocketDockerd}: the requests dockerd sends (test/fixtures), and the
 *           sandbox plumbing dockerd does (a namespace per "container").
 *
 * A veth pair links the namespaces; each end sits in its host's br-phy (a netdev bridge), which holds the
 * host's Geneve encap address, as the userspace datapath needs for tunnels.
 *
 *   const mh = await MultiHost.up();
 *   ... mh.a.driver (dockerd's), mh.b.dockerd.createNetwork(...), mh.b.dockerd.run(...)
 *   await mh.down();
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { DriverProcess, WireReply } from './driver-process';
import { run, Stack, waitFor } from './stack';

/** One host: its chassis, its driver, and where its processes and devices live. */
export interface Host {
  label: 'A' | 'B';
  stack: Stack;
  driver: DriverProcess;
  /** Network namespace of the host, or undefined for the machine's own (host A). */
  netns: string | undefined;
  /** Geneve encap address (plain IP). */
  encapIp: string;
  chassis: string;
  /** Run a program in the host's network namespace. */
  exec(cmd: string, ...args: string[]): Promise<string>;
}

export interface MultiHostOptions {
  /** Environment of both drivers (e.g. OVN_DRIVER_RECONCILE_INTERVAL_S). */
  driverEnv?: Record<string, string>;
  /** /24 of the link between the hosts; A is .1, B is .2. Default 10.254.12.0/24. */
  linkPrefix?: string;
}

const DOCKER_GATEWAY = 'com.docker.network.gateway';

/** Ping `ip` from a network namespace (busybox-static), retrying briefly: the remote chassis may still be binding. */
export async function pingFromNetns(netns: string, ip: string, opts: { attempts?: number; size?: number } = {}): Promise<string> {
  const size = opts.size ? ['-s', String(opts.size)] : [];
  let last: unknown;
  for (let i = 0; i < (opts.attempts ?? 10); i++) {
    try {
      return await run('ip', ['netns', 'exec', netns, 'busybox', 'ping', '-c1', '-W2', ...size, ip], { timeout: 10_000 });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw last;
}

export class MultiHost {
  private torn = false;

  private constructor(
    readonly a: Host,
    readonly b: Host,
    /** Plays dockerd for host B. */
    readonly dockerdB: SocketDockerd,
    private readonly links: { netnsB: string; vethA: string },
  ) {}

  /** Builds both hosts; on any failure tears down what it had made. */
  static async up(opts: MultiHostOptions = {}): Promise<MultiHost> {
    const tag = randomBytes(2).toString('hex');
    const netnsB = `mh-${tag}-b`;
    const vethA = `mh${tag}a`;
    const vethB = `mh${tag}b`;
    const prefix = opts.linkPrefix ?? '10.254.12';
    const made: { stacks: Stack[]; drivers: DriverProcess[]; dockerd?: SocketDockerd } = { stacks: [], drivers: [] };
    try {
      await run('ip', ['netns', 'add', netnsB]);
      await run('ip', ['-n', netnsB, 'link', 'set', 'lo', 'up']);
      await run('ip', ['link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB, 'netns', netnsB]);

      const stackA = await Stack.up({ chassis: `mh-${tag}-a`, encapIp: `${prefix}.1/24`, phyPort: vethA });
      made.stacks.push(stackA);
      const stackB = await Stack.up({ central: stackA, netns: netnsB, chassis: `mh-${tag}-b`, encapIp: `${prefix}.2/24`, phyPort: vethB });
      made.stacks.push(stackB);

      // The underlay works, and each chassis has its Geneve tunnel to the other in br-int.
      await run('ip', ['netns', 'exec', netnsB, 'busybox', 'ping', '-c1', '-W2', `${prefix}.1`]);
      for (const s of [stackA, stackB]) {
        await waitFor(async () => /geneve/.test(await s.vsctl('--bare', '--columns=type', 'list', 'Interface')), {
          timeoutMs: 20_000,
          what: `a Geneve tunnel port in ${s.chassis}'s br-int`,
        });
      }

      const driverA = await DriverProcess.start({ stack: stackA, name: `ovnmh${tag}`, env: opts.driverEnv });
      made.drivers.push(driverA);
      const dockerd = await SocketDockerd.start({ netns: netnsB, apiSocket: `${stackB.dir}/docker-api.sock` });
      made.dockerd = dockerd;
      const driverB = await DriverProcess.start({
        stack: stackB,
        name: `ovnmh${tag}b`,
        netns: netnsB,
        socket: `${stackB.dir}/driver.sock`,
        env: { ...opts.driverEnv, OVN_DRIVER_DOCKER_SOCKET: dockerd.apiSocket },
      });
      made.drivers.push(driverB);
      await dockerd.attach(driverB);

      const host = (label: 'A' | 'B', stack: Stack, driver: DriverProcess, netns: string | undefined, encapIp: string): Host => ({
        label,
        stack,
        driver,
        netns,
        encapIp,
        chassis: stack.chassis,
        exec: (cmd, ...args) => (netns ? run('ip', ['netns', 'exec', netns, cmd, ...args]) : run(cmd, args)),
      });
      return new MultiHost(host('A', stackA, driverA, undefined, `${prefix}.1`), host('B', stackB, driverB, netnsB, `${prefix}.2`), dockerd, {
        netnsB,
        vethA,
      });
    } catch (err) {
      await made.dockerd?.close().catch(() => undefined);
      for (const d of made.drivers.reverse()) await d.stop().catch(() => undefined);
      for (const s of made.stacks.reverse()) await s.down().catch(() => undefined);
      await run('ip', ['link', 'del', vethA]).catch(() => undefined);
      await run('ip', ['netns', 'del', netnsB]).catch(() => undefined);
      throw err;
    }
  }

  get hosts(): Host[] {
    return [this.a, this.b];
  }

  /** Chassis names registered in the central's SB. */
  async chassisInSb(): Promise<string[]> {
    return (await this.a.stack.sbctl('--bare', '--columns=name', 'list', 'Chassis')).split(/\s+/).filter(Boolean).sort();
  }

  /** Name of the chassis a logical port is bound to in SB ('' if unbound). */
  async boundChassis(logicalPort: string): Promise<string> {
    const uuid = (await this.a.stack.sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', `logical_port=${logicalPort}`)).trim();
    if (!uuid) return '';
    return (await this.a.stack.sbctl('get', 'Chassis', uuid, 'name')).trim().replace(/^"|"$/g, '');
  }

  /** The datapath flows of a host's ovs-vswitchd (tnl_push / tnl_pop show Geneve in use). */
  datapathFlows(host: Host): Promise<string> {
    return host.stack.appctl('vswitchd', 'dpctl/dump-flows');
  }

  /**
   * Stops everything, in the order that leaves SB clean: host B's chassis (its ovn-controller says goodbye
   * to SB on `exit`), then host A's the same way while the central still runs, then the central. Returns
   * the chassis left in SB just before the central went down (expected: none). Idempotent.
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
    await step(() => this.dockerdB.close());
    await step(() => this.b.driver.stop());
    await step(() => this.a.driver.stop());
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
    await step(() => run('ip', ['link', 'del', this.links.vethA]).catch(async (e: unknown) => {
      if ((await run('ip', ['link', 'show', this.links.vethA]).then(() => true, () => false))) throw e;
    }));
    await step(() => run('ip', ['netns', 'del', this.links.netnsB]));
    if (errors.length > 0) throw new AggregateError(errors, `multi-host teardown: ${errors.map(String).join('; ')}`);
    return { chassisLeft };
  }

  /** Names of this harness's namespaces and devices still on the machine (expected after down(): none). */
  async remains(): Promise<string[]> {
    const netns = (await run('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n === this.links.netnsB || n.startsWith(`${this.links.netnsB}-`));
    const links = (await run('ip', ['-o', 'link', 'show']))
      .split('\n')
      .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
      .filter((n) => n === this.links.vethA || n === 'br-phy');
    return [...netns, ...links];
  }
}

/** A network as host B's "dockerd" made it. */
export interface SocketNetwork {
  id: string;
  poolId: string;
  /** Pool CIDR as IPAM answered. */
  pool: string;
  /** Gateway CIDR as IPAM answered (what CreateNetwork carries). */
  gateway: string;
  addressSpace: string;
}

/** A "container": a network namespace with the endpoint's interface in it, as dockerd plumbs it. */
export interface Sandbox {
  /** The sandbox's network namespace (its SandboxKey is /run/netns/NAME). */
  netns: string;
  network: SocketNetwork;
  endpointId: string;
  /** CIDR, from IPAM. */
  address: string;
  /** Plain IP. */
  ip: string;
  mac: string;
  /** Join's InterfaceName.SrcName: the name the interface goes back to on Leave. */
  srcName: string;
  join: JoinReply;
}

interface JoinReply {
  InterfaceName: { SrcName: string; DstPrefix: string; DstName?: string };
  Gateway?: string;
  GatewayIPv6?: string;
  StaticRoutes?: { Destination: string; RouteType: number; NextHop?: string }[];
}

const NO_PORTS = { 'com.docker.network.endpoint.exposedports': [], 'com.docker.network.portmap': [] };

/**
 * dockerd for a host that has none: every verb with exactly the body dockerd 20.10 sends
 * (test/fixtures/dockerd-20.10-remote-driver-and-ipam.jsonl), with the driver as both network and
 * IPAM driver, and the sandbox plumbing dockerd does after Join (libnetwork osl): move SrcName into the
 * sandbox, rename it DstPrefix+0, set the endpoint's MAC and address, bring it up, add the routes; on
 * stop, move it back under SrcName before Leave. It also answers the Docker API call the driver's
 * reconciler makes (GET /networks/{id}) from what it made, on its own unix socket.
 */
export class SocketDockerd {
  private driverProcess?: DriverProcess;
  private localSpace = '';
  private readonly networks = new Map<string, { net: SocketNetwork; endpoints: Map<string, string> }>();
  private readonly sandboxes = new Set<Sandbox>();
  private counter = 0;
  /** Every request sent, in order: [path, body]. */
  readonly sent: [string, unknown][] = [];

  private readonly server: Server = createServer((req, res) => this.answer(req, res));

  private constructor(
    /** The host's network namespace (where the driver makes its veths). */
    readonly netns: string,
    readonly apiSocket: string,
  ) {}

  static async start(opts: { netns: string; apiSocket: string }): Promise<SocketDockerd> {
    await rm(opts.apiSocket, { force: true });
    const dockerd = new SocketDockerd(opts.netns, opts.apiSocket);
    await new Promise<void>((resolve, reject) => {
      dockerd.server.once('error', reject);
      dockerd.server.listen(opts.apiSocket, () => resolve());
    });
    return dockerd;
  }

  /** GET /networks/{id} of the Docker Engine API: the network's endpoints that this "dockerd" knows. */
  private answer(req: IncomingMessage, res: ServerResponse): void {
    const m = /^(?:\/v[\d.]+)?\/networks\/([^/?]+)/.exec(req.url ?? '');
    const entry = m && req.method === 'GET' ? this.networks.get(decodeURIComponent(m[1]!)) : undefined;
    res.setHeader('content-type', 'application/json');
    if (!entry) {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: `network ${m?.[1] ?? req.url} not found` }));
      return;
    }
    const containers: Record<string, { EndpointID: string }> = {};
    for (const [endpointId, sandbox] of entry.endpoints) containers[sandbox] = { EndpointID: endpointId };
    res.end(JSON.stringify({ Id: entry.net.id, Driver: 'ovn', Containers: containers }));
  }

  get driver(): DriverProcess {
    if (!this.driverProcess) throw new Error('SocketDockerd: no driver attached');
    return this.driverProcess;
  }

  /** Discovery as dockerd does it: Activate, both GetCapabilities, GetDefaultAddressSpaces (empty bodies). */
  async attach(driver: DriverProcess): Promise<void> {
    this.driverProcess = driver;
    const activate = (await this.call('/Plugin.Activate')) as { Implements?: string[] };
    if (!activate.Implements?.includes('NetworkDriver') || !activate.Implements.includes('IpamDriver')) {
      throw new Error(`Plugin.Activate: ${JSON.stringify(activate)}`);
    }
    await this.call('/NetworkDriver.GetCapabilities');
    await this.call('/IpamDriver.GetCapabilities');
    this.localSpace = ((await this.call('/IpamDriver.GetDefaultAddressSpaces')) as { LocalDefaultAddressSpace: string }).LocalDefaultAddressSpace;
  }

  /** POST a verb; anything but 200 without Err/Error throws with the reply. */
  async call(verb: string, body?: unknown): Promise<Record<string, unknown>> {
    this.sent.push([verb, body]);
    const r: WireReply = await this.driver.post(verb, body);
    const b = r.body as Record<string, unknown> | undefined;
    if (r.status !== 200 || typeof b !== 'object' || b === null || b.Err || b.Error) throw new Error(`${verb} ${JSON.stringify(body ?? null)} -> ${r.status} ${r.raw}`);
    return b;
  }

  /** `docker network create -d DRV --ipam-driver DRV --subnet S [--gateway G] [--ipam-opt vrf=V -o vrf=V] [-o mtu=M]`. */
  async createNetwork(opts: { subnet: string; gateway?: string; vrf?: string; mtu?: number }): Promise<SocketNetwork> {
    const ipamOptions: Record<string, string> = opts.vrf ? { vrf: opts.vrf } : {};
    const generic: Record<string, string> = { ...ipamOptions, ...(opts.mtu ? { mtu: String(opts.mtu) } : {}) };
    const pool = await this.call('/IpamDriver.RequestPool', { AddressSpace: this.localSpace, Pool: opts.subnet, SubPool: '', Options: ipamOptions, V6: false });
    const poolId = pool.PoolID as string;
    const gw = await this.call('/IpamDriver.RequestAddress', { PoolID: poolId, Address: opts.gateway ?? '', Options: { RequestAddressType: DOCKER_GATEWAY } });
    const net: SocketNetwork = { id: randomBytes(32).toString('hex'), poolId, pool: pool.Pool as string, gateway: gw.Address as string, addressSpace: this.localSpace };
    await this.call('/NetworkDriver.CreateNetwork', {
      NetworkID: net.id,
      Options: { 'com.docker.network.enable_ipv6': false, 'com.docker.network.generic': generic },
      IPv4Data: [{ AddressSpace: net.addressSpace, Gateway: net.gateway, Pool: net.pool }],
      IPv6Data: [],
    });
    this.networks.set(net.id, { net, endpoints: new Map() });
    return net;
  }

  /** `docker network rm`: ReleaseAddress (gateway), ReleasePool, DeleteNetwork, in the fixture's order. */
  async removeNetwork(net: SocketNetwork): Promise<void> {
    await this.call('/IpamDriver.ReleaseAddress', { PoolID: net.poolId, Address: net.gateway.split('/')[0] });
    await this.call('/IpamDriver.ReleasePool', { PoolID: net.poolId });
    await this.call('/NetworkDriver.DeleteNetwork', { NetworkID: net.id });
    this.networks.delete(net.id);
  }

  /** `docker run --net NET [--ip IP]`: RequestAddress, CreateEndpoint, Join, (plumbing), ProgramExternalConnectivity, EndpointOperInfo ×2. */
  async run(net: SocketNetwork, opts: { ip?: string } = {}): Promise<Sandbox> {
    const addr = await this.call('/IpamDriver.RequestAddress', { PoolID: net.poolId, Address: opts.ip ?? '', Options: {} });
    const address = addr.Address as string;
    const endpointId = randomBytes(32).toString('hex');
    const sandboxNs = `${this.netns}-s${++this.counter}`;
    // dockerd knows the endpoint from here on (the reconciler asks it).
    this.networks.get(net.id)?.endpoints.set(endpointId, sandboxNs);
    const created = await this.call('/NetworkDriver.CreateEndpoint', {
      NetworkID: net.id,
      EndpointID: endpointId,
      Interface: { Address: address, AddressIPv6: '', MacAddress: '' },
      Options: NO_PORTS,
    });
    const mac = (created.Interface as { MacAddress?: string } | undefined)?.MacAddress;
    if (!mac) throw new Error(`CreateEndpoint answered no MAC for an endpoint without one: ${JSON.stringify(created)}`);
    await run('ip', ['netns', 'add', sandboxNs]);
    const join = (await this.call('/NetworkDriver.Join', { NetworkID: net.id, EndpointID: endpointId, SandboxKey: `/run/netns/${sandboxNs}`, Options: NO_PORTS })) as unknown as JoinReply;
    const sandbox: Sandbox = { netns: sandboxNs, network: net, endpointId, address, ip: address.split('/')[0]!, mac, srcName: join.InterfaceName.SrcName, join };
    this.sandboxes.add(sandbox);
    await this.plumb(sandbox);
    await this.call('/NetworkDriver.ProgramExternalConnectivity', { NetworkID: net.id, EndpointID: endpointId, Options: NO_PORTS });
    await this.call('/NetworkDriver.EndpointOperInfo', { NetworkID: net.id, EndpointID: endpointId });
    await this.call('/NetworkDriver.EndpointOperInfo', { NetworkID: net.id, EndpointID: endpointId });
    return sandbox;
  }

  /** `docker stop` + `docker rm`: RevokeExternalConnectivity, (interface back), Leave, DeleteEndpoint, ReleaseAddress. */
  async stop(sandbox: Sandbox): Promise<void> {
    const { network: net, endpointId } = sandbox;
    await this.call('/NetworkDriver.RevokeExternalConnectivity', { NetworkID: net.id, EndpointID: endpointId });
    await this.unplumb(sandbox);
    await this.call('/NetworkDriver.Leave', { NetworkID: net.id, EndpointID: endpointId });
    await this.call('/NetworkDriver.DeleteEndpoint', { NetworkID: net.id, EndpointID: endpointId });
    this.networks.get(net.id)?.endpoints.delete(endpointId);
    await this.call('/IpamDriver.ReleaseAddress', { PoolID: net.poolId, Address: sandbox.ip });
    await run('ip', ['netns', 'del', sandbox.netns]);
    this.sandboxes.delete(sandbox);
  }

  /** Ping from a sandbox (retries briefly). */
  ping(sandbox: Sandbox, ip: string, opts: { attempts?: number; size?: number } = {}): Promise<string> {
    return pingFromNetns(sandbox.netns, ip, opts);
  }

  /** What a test left: stops every sandbox and removes every network through the verbs, ignoring errors. */
  async reset(): Promise<void> {
    for (const s of [...this.sandboxes]) {
      await this.stop(s).catch(() => undefined);
      if (this.sandboxes.delete(s)) await run('ip', ['netns', 'del', s.netns]).catch(() => undefined);
    }
    for (const { net } of [...this.networks.values()]) {
      await this.removeNetwork(net).catch(() => undefined);
      this.networks.delete(net.id);
    }
  }

  /** Deletes the sandboxes still there and stops answering the Docker API. Sends no verbs. */
  async close(): Promise<void> {
    for (const s of this.sandboxes) await run('ip', ['netns', 'del', s.netns]).catch(() => undefined);
    this.sandboxes.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.apiSocket, { force: true });
  }

  private async plumb(s: Sandbox): Promise<void> {
    const { InterfaceName: name, Gateway, StaticRoutes } = s.join;
    const dst = name.DstName || `${name.DstPrefix}0`;
    const ip = (...args: string[]) => run('ip', ['-n', s.netns, ...args]);
    await run('ip', ['-n', this.netns, 'link', 'set', name.SrcName, 'netns', s.netns]);
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'set', name.SrcName, 'name', dst);
    await ip('link', 'set', dst, 'address', s.mac);
    await ip('addr', 'add', s.address, 'dev', dst);
    await ip('link', 'set', dst, 'up');
    if (Gateway) await ip('route', 'add', 'default', 'via', Gateway, 'dev', dst);
    for (const r of StaticRoutes ?? []) {
      await (r.RouteType === 1 ? ip('route', 'add', r.Destination, 'dev', dst) : ip('route', 'add', r.Destination, 'via', r.NextHop!, 'dev', dst));
    }
  }

  private async unplumb(s: Sandbox): Promise<void> {
    const { InterfaceName: name } = s.join;
    const dst = name.DstName || `${name.DstPrefix}0`;
    const ip = (...args: string[]) => run('ip', ['-n', s.netns, ...args]);
    // gone already if the driver (or a test) removed the host end
    if (!(await ip('link', 'show', 'dev', dst).then(() => true, () => false))) return;
    await ip('link', 'set', dst, 'down');
    await ip('link', 'set', dst, 'name', s.srcName);
    await ip('link', 'set', s.srcName, 'netns', this.netns);
  }
}
