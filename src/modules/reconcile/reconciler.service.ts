import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import { VerbActivity } from '../endpoint/verb-activity';
import { LinkOps } from '../host/link-ops';
import { sandboxMounted } from '../host/sandbox-mount';
import { ipValue } from '../../domain/address';
import { AddressPoolRepository } from '../ovn/address-pool.repository';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { DriverMetrics } from '../observability/driver-metrics';
import { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord } from '../ovn/ovn.model';
import { OvsdbSessions } from '../ovn/ovsdb-sessions';
import { DockerEndpoints, type DockerView } from './docker-endpoints';
import { sandboxId, vethNames } from '../endpoint/interface-names';

/** Host-side veth names this driver makes (see vethNames). */
const HOST_VETH = /^ovn([0-9a-f]{12})$/;

/**
 * A host veth of this driver whose peer (`ovc…`, vethNames) is not in the host's namespace has it inside a
 * running container: dockerd moves the peer into the sandbox at Join and back out, renamed to its own name,
 * at Leave (libnetwork osl/interface_linux.go, Remove), and a namespace that goes takes the pair with it.
 * Such a veth is a container's interface, never a leftover, whatever OVS or NB say.
 */
function peerInSandbox(hostVeth: string, links: Set<string>): boolean {
  return links.has(hostVeth) && !links.has(`ovc${hostVeth.slice(3)}`);
}

/** Orphans as GET /debug/orphans serves them. */
export interface Orphans {
  ovsPorts: { ifaceId: string; portName: string }[];
  veths: string[];
  /** portName: the endpoint's host side (made by CreateEndpoint, or by Join for a sandbox now gone). */
  logicalPorts: { endpointId: string; networkId: string; lspName: string; portName?: string }[];
  /** Networks this host created that its dockerd no longer has, with no endpoint left on any host. */
  networks: { networkId: string; switchName: string }[];
  /**
   * Running containers' veths whose OVS port is gone (br-int deleted and made again, the OVS DB reset) while
   * NB still has their endpoint: the reconciler adds the port back, as CreateEndpoint made it.
   */
  unplugged: { endpointId: string; networkId: string; portName: string; sandboxKey?: string }[];
  /**
   * Running containers' veths whose logical port is gone from NB (deleted by hand, NB restored from an older
   * backup): kept, as removing the veth would take the interface out of the container; the container needs
   * reconnecting (`docker network disconnect` and `connect`) or a restart.
   */
  stranded: { portName: string; ifaceId?: string }[];
  /** Why dockerd could not be asked, when it could not: no endpoint or network then counts as gone. */
  dockerUnreachable?: string;
}

export interface ReconcileResult {
  ovsPorts: number;
  veths: number;
  ports: number;
  networks: number;
  /** OVS ports added back for running containers. */
  replugged: number;
}

const NOTHING = (): ReconcileResult => ({ ovsPorts: 0, veths: 0, ports: 0, networks: 0, replugged: 0 });

/**
 * Removes what a crash or a lost request left behind on this host: OVS ports and veths whose endpoint
 * is gone from NB; this chassis' endpoints that the local dockerd no longer knows and that are not in a
 * sandbox (never joined, or joined to a network namespace that is gone), host side included; and the
 * networks this chassis created that dockerd no longer has and no host has endpoints on.
 * dockerd answers a `docker network rm` or a container's stop even when the driver cannot (the plugin
 * disabled for an upgrade, the driver restarting, NB unreachable): libnetwork logs the driver's error and
 * forgets the network or endpoint all the same (network.go deleteNetwork, endpoint.go sbLeave), so those
 * rows are left for this reconciler. An object must look orphaned on two passes one interval apart, and
 * endpoints with a verb in progress (or just finished) are skipped, so nothing between CreateEndpoint and
 * Join is touched. Rows of other hosts and rows not owned by the driver are never candidates.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconcileResult>;
  /** Candidate → when it was first seen orphaned. */
  private readonly suspects = new Map<string, number>();
  /** Stranded veths already warned about, so a pass every minute does not repeat the warning. */
  private readonly warnedStranded = new Set<string>();
  /** The last pass found dockerd unreachable (warned once until it answers again). */
  private dockerAway = false;
  readonly totals: ReconcileResult = NOTHING();

  constructor(
    private readonly config: DriverConfig,
    private readonly sessions: OvsdbSessions,
    private readonly nb: NorthboundRepository,
    private readonly ovs: LocalSwitchRepository,
    private readonly links: LinkOps,
    private readonly activity: VerbActivity,
    private readonly docker: DockerEndpoints,
    private readonly pools: AddressPoolRepository,
    @Optional() private readonly metrics?: DriverMetrics,
  ) {}

  private get intervalMs(): number {
    return this.config.OVN_DRIVER_RECONCILE_INTERVAL_S * 1000;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs === 0) return;
    // The first pass runs as soon as both sessions are synced; later ones every interval.
    const tick = () => {
      this.timer = setTimeout(() => void this.pass().finally(tick), this.sessions.ready() ? this.intervalMs : 500);
      this.timer.unref();
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent callers share it. */
  pass(): Promise<ReconcileResult> {
    this.running ??= this.reconcile()
      .catch((e: unknown) => {
        this.logger.warn({ err: e }, 'reconciler pass failed');
        return NOTHING();
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * What a pass would remove now, before the two-pass confirmation: OVS ports whose endpoint is gone from NB,
   * veths with no OVS port, this chassis' logical ports outside any sandbox that dockerd no longer knows, and
   * this chassis' networks dockerd no longer has. `docker-ovn-driver doctor` shows it (GET /debug/orphans);
   * removing nothing, it is safe to ask any time.
   */
  async orphans(): Promise<Orphans> {
    const busy = (id: string) => this.activity.isBusy(id, Math.max(this.intervalMs, 5_000));
    const links = new Set(await this.links.listLinks());
    const stranded: Orphans['stranded'] = [];
    const owned = this.ovs.ownedPorts();
    const ovsPorts: Orphans['ovsPorts'] = [];
    for (const p of owned) {
      if (this.nb.findEndpoint(p.ifaceId) || busy(p.ifaceId)) continue;
      if (peerInSandbox(p.portName, links)) stranded.push({ portName: p.portName, ifaceId: p.ifaceId });
      else ovsPorts.push({ ifaceId: p.ifaceId, portName: p.portName });
    }
    const portNames = new Set(owned.map((p) => p.portName));
    const chassis = this.ovs.chassis();
    const mine = chassis ? this.nb.endpointsOn(chassis) : [];
    const veths: string[] = [];
    const unplugged: Orphans['unplugged'] = [];
    for (const name of links) {
      const m = HOST_VETH.exec(name);
      if (!m || portNames.has(name) || this.anyBusy(m[1]!, busy, mine)) continue;
      if (!peerInSandbox(name, links)) {
        veths.push(name);
        continue;
      }
      const eps = mine.filter((ep) => ep.endpointId.startsWith(m[1]!));
      if (eps.length === 1) unplugged.push({ endpointId: eps[0]!.endpointId, networkId: eps[0]!.networkId, portName: name });
      else stranded.push({ portName: name });
    }
    const logicalPorts: Orphans['logicalPorts'] = [];
    const networks: Orphans['networks'] = [];
    let dockerUnreachable: string | undefined;
    const views = new Map<string, DockerView>();
    if (chassis) {
      const view = async (networkId: string) => {
        if (!views.has(networkId)) views.set(networkId, await this.docker.network(networkId));
        const v = views.get(networkId)!;
        if (v.kind === 'unreachable') dockerUnreachable ??= `${this.config.OVN_DRIVER_DOCKER_SOCKET}: ${v.why}`;
        return v;
      };
      for (const ep of mine) {
        // A port whose sandbox (network namespace) is mounted is joined to a running container. One without
        // a sandbox is between CreateEndpoint and Join (a driver restarted in between adopts it: Join finds
        // it) or was never joined; one whose sandbox is gone lost its container while the driver could not
        // answer Leave. dockerd decides: an endpoint it does not list is gone.
        // So is one whose veth peer is inside a namespace (a port plugged back while dockerd could not name its sandbox).
        const port = this.ovs.findPort(ep.lspName);
        if ((port?.sandboxKey && sandboxMounted(port.sandboxKey)) || busy(ep.endpointId)) continue;
        if (peerInSandbox(vethNames(ep.endpointId).host, links)) continue;
        const known = await view(ep.networkId);
        if (known.kind === 'no-network' || (known.kind === 'endpoints' && !known.ids.has(ep.endpointId)))
          logicalPorts.push({
            endpointId: ep.endpointId,
            networkId: ep.networkId,
            lspName: ep.lspName,
            ...(port && { portName: port.portName }),
          });
      }
      // A network of global scope is the cluster's, which this host's dockerd may not list; a local one is
      // this host's dockerd's alone (each host sharing a switch records its own NetworkID on it).
      if (this.config.OVN_DRIVER_SCOPE === 'local')
        for (const { network, endpoints } of this.nb.networksOn(chassis)) {
          if (endpoints > 0 || busy(network.networkId)) continue;
          if ((await view(network.networkId)).kind === 'no-network')
            networks.push({ networkId: network.networkId, switchName: network.switchName });
        }
    }
    // The sandbox each one is in, as dockerd names it (its routes are kept by it): for the plug, and doctor's line.
    for (const u of unplugged) {
      const key = await this.docker.sandboxKeyOf(u.networkId, u.endpointId, views.get(u.networkId));
      if (key) u.sandboxKey = key;
    }
    return { ovsPorts, veths, logicalPorts, networks, unplugged, stranded, ...(dockerUnreachable && { dockerUnreachable }) };
  }

  private async reconcile(): Promise<ReconcileResult> {
    const result = NOTHING();
    if (!this.sessions.ready()) return result;
    const now = Date.now();
    const seen = new Set<string>();
    const confirmed = (key: string): boolean => {
      seen.add(key);
      const first = this.suspects.get(key);
      if (first === undefined) this.suspects.set(key, now);
      return first !== undefined && now - first >= Math.min(this.intervalMs, 30_000) * 0.9;
    };
    const found = await this.orphans();
    this.reportDocker(found.dockerUnreachable);
    this.reportStranded(found.stranded);
    // One removal failing (a row changed under it, a link busy) is logged and retried next pass; it does not
    // hold up the others behind it.
    const each = async <T>(items: T[], key: (item: T) => string, act: (item: T) => Promise<void>) => {
      for (const item of items) {
        if (!confirmed(key(item))) continue;
        try {
          await act(item);
        } catch (e) {
          this.logger.warn({ err: e, item }, `reconciler could not handle ${key(item)}; it tries again next pass`);
        }
      }
    };

    await each(
      found.unplugged,
      (u) => `plug:${u.endpointId}`,
      async (u) => {
        const ep = this.nb.findEndpoint(u.endpointId);
        if (!ep || this.ovs.findPort(ep.lspName) || this.activity.isBusy(ep.endpointId, 5_000)) return;
        const sandboxKey = u.sandboxKey;
        // A Leave may have begun while dockerd answered: the veth is then on its way out.
        if (!(await this.links.listLinks()).includes(u.portName)) return;
        await this.ovs.attachPort({
          bridge: this.config.OVN_DRIVER_BRIDGE,
          portName: u.portName,
          ifaceId: ep.lspName,
          mac: ep.mac,
          networkId: ep.networkId,
          ...(sandboxKey && { sandbox: sandboxId(sandboxKey), sandboxKey }),
        });
        this.logger.warn(
          { endpointId: ep.endpointId, networkId: ep.networkId, port: u.portName, sandboxKey },
          `reconciler plugged the veth of a running container back into ${this.config.OVN_DRIVER_BRIDGE}: its OVS port was gone (the bridge deleted, or the Open_vSwitch DB reset)`,
        );
        result.replugged++;
      },
    );

    await each(
      found.ovsPorts,
      (p) => `ovs:${p.ifaceId}`,
      async (port) => {
        await this.ovs.detachPort(port.ifaceId);
        await this.links.retireLink(port.portName);
        this.logger.log({ ifaceId: port.ifaceId, port: port.portName }, 'reconciler removed an OVS port whose endpoint is gone');
        result.ovsPorts++;
      },
    );

    await each(
      found.veths,
      (v) => `veth:${v}`,
      async (name) => {
        await this.links.retireLink(name);
        this.logger.log({ veth: name }, 'reconciler removed a veth with no OVS port');
        result.veths++;
      },
    );

    await each(
      found.logicalPorts,
      (p) => `lsp:${p.endpointId}`,
      async (ep) => {
        if (ep.portName) {
          await this.ovs.detachPort(ep.lspName);
          await this.links.retireLink(ep.portName);
        }
        const record = this.nb.findEndpoint(ep.endpointId);
        await this.nb.deleteEndpoint(ep.endpointId);
        const released = record ? await this.releaseAddresses(record) : [];
        this.logger.log(
          { endpointId: ep.endpointId, networkId: ep.networkId, port: ep.portName, ...(released.length > 0 && { released }) },
          'reconciler removed an endpoint dockerd no longer knows',
        );
        result.ports++;
      },
    );

    await each(
      found.networks,
      (n) => `net:${n.networkId}`,
      async (net) => {
        // The same transaction as DeleteNetwork: the switch goes with its last network, the vrf's router port
        // and policies with it; a switch another network (of any host) still has stays.
        await this.nb.removeNetwork(net.networkId);
        this.logger.log({ networkId: net.networkId, switch: net.switchName }, 'reconciler removed a network dockerd no longer has');
        result.networks++;
      },
    );

    for (const key of this.suspects.keys()) if (!seen.has(key)) this.suspects.delete(key);
    for (const k of ['ovsPorts', 'veths', 'ports', 'networks', 'replugged'] as const) this.totals[k] += result[k];
    this.metrics?.reconcilerRemoved('ovs_port', result.ovsPorts);
    this.metrics?.reconcilerRemoved('veth', result.veths);
    this.metrics?.reconcilerRemoved('logical_port', result.ports);
    this.metrics?.reconcilerRemoved('network', result.networks);
    this.metrics?.reconcilerReplugged(result.replugged);
    return result;
  }

  /**
   * Without dockerd's answer no endpoint or network counts as gone, so what a lost Leave or `docker network rm`
   * left stays: said once when it starts (a stale docker.sock mount, a wrong OVN_DRIVER_DOCKER_SOCKET) and
   * once when dockerd answers again.
   */
  private reportDocker(unreachable: string | undefined): void {
    if (unreachable && !this.dockerAway)
      this.logger.warn(
        `reconciler cannot ask dockerd (${unreachable}): endpoints and networks dockerd dropped while the driver could not answer stay until it can`,
      );
    else if (!unreachable && this.dockerAway) this.logger.log('reconciler reaches dockerd again');
    this.dockerAway = !!unreachable;
  }

  private reportStranded(stranded: Orphans['stranded']): void {
    const now = new Set(stranded.map((s) => s.portName));
    for (const s of stranded)
      if (!this.warnedStranded.has(s.portName))
        this.logger.warn(
          { port: s.portName, ifaceId: s.ifaceId },
          "a running container's veth has no logical port in NB (deleted by hand, or NB restored from an older backup): kept; reconnect the container (docker network disconnect, connect) or restart it",
        );
    for (const p of this.warnedStranded) if (!now.has(p)) this.warnedStranded.delete(p);
    for (const p of now) this.warnedStranded.add(p);
  }

  /**
   * Gives back to OVN IPAM the addresses of an endpoint removed here: dockerd's ReleaseAddress went to the
   * same driver that could not answer its Leave, so the pool still holds them, and the next container
   * asking for one (`--ip`, compose's ipv4_address) would be refused. Only an address no logical port
   * holds any more, and only from the one pool of the network's subnet that has it (pools are keyed by
   * address space and subnet, and the network record does not name the space); Docker-IPAM networks have
   * none.
   */
  private async releaseAddresses(ep: EndpointRecord): Promise<string[]> {
    const net = this.nb.findNetwork(ep.networkId);
    if (!net || net.dockerIpam) return [];
    const released: string[] = [];
    for (const [cidr, subnet] of [
      [ep.address, net.subnet],
      [ep.addressIPv6, net.subnet6],
    ]) {
      const ip = cidr?.split('/')[0];
      // Held by a port still (another network's on the same subnet): then the allocation is that one's.
      if (!ip || !subnet || this.nb.addressHeld(ip)) continue;
      const holders = this.pools.pools().filter((p) => p.key.endsWith(`|${subnet}`) && p.has(ipValue(ip)));
      if (holders.length !== 1) continue;
      await this.pools.release(holders[0]!.key, ip);
      released.push(ip);
    }
    return released;
  }

  /** A veth carries only 12 hex digits of its EndpointID. */
  private anyBusy(short: string, busy: (id: string) => boolean, mine: EndpointRecord[]): boolean {
    return mine.some((ep) => ep.endpointId.startsWith(short) && busy(ep.endpointId)) || busy(short);
  }
}
