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

/** Host-side veth names this driver makes (see vethNames). */
const HOST_VETH = /^ovn([0-9a-f]{12})$/;

/** Orphans as GET /debug/orphans serves them. */
export interface Orphans {
  ovsPorts: { ifaceId: string; portName: string }[];
  veths: string[];
  /** portName: the endpoint's host side (made by CreateEndpoint, or by Join for a sandbox now gone). */
  logicalPorts: { endpointId: string; networkId: string; lspName: string; portName?: string }[];
  /** Networks this host created that its dockerd no longer has, with no endpoint left on any host. */
  networks: { networkId: string; switchName: string }[];
}

export interface ReconcileResult {
  ovsPorts: number;
  veths: number;
  ports: number;
  networks: number;
}

const NOTHING = (): ReconcileResult => ({ ovsPorts: 0, veths: 0, ports: 0, networks: 0 });

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
    const owned = this.ovs.ownedPorts();
    const ovsPorts = owned
      .filter((p) => !this.nb.findEndpoint(p.ifaceId) && !busy(p.ifaceId))
      .map((p) => ({ ifaceId: p.ifaceId, portName: p.portName }));
    const portNames = new Set(owned.map((p) => p.portName));
    const veths = (await this.links.listLinks()).filter((name) => {
      const m = HOST_VETH.exec(name);
      return !!m && !portNames.has(name) && !this.anyBusy(m[1]!, busy);
    });
    const logicalPorts: Orphans['logicalPorts'] = [];
    const networks: Orphans['networks'] = [];
    const chassis = this.ovs.chassis();
    if (chassis) {
      const views = new Map<string, DockerView>();
      const view = async (networkId: string) => {
        if (!views.has(networkId)) views.set(networkId, await this.docker.network(networkId));
        return views.get(networkId)!;
      };
      for (const ep of this.nb.endpointsOn(chassis)) {
        // A port whose sandbox (network namespace) is mounted is joined to a running container. One without
        // a sandbox is between CreateEndpoint and Join (a driver restarted in between adopts it: Join finds
        // it) or was never joined; one whose sandbox is gone lost its container while the driver could not
        // answer Leave. dockerd decides: an endpoint it does not list is gone.
        const port = this.ovs.findPort(ep.lspName);
        if ((port?.sandboxKey && sandboxMounted(port.sandboxKey)) || busy(ep.endpointId)) continue;
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
    return { ovsPorts, veths, logicalPorts, networks };
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

    for (const port of found.ovsPorts) {
      if (!confirmed(`ovs:${port.ifaceId}`)) continue;
      await this.ovs.detachPort(port.ifaceId);
      await this.links.retireLink(port.portName);
      this.logger.log({ ifaceId: port.ifaceId, port: port.portName }, 'reconciler removed an OVS port whose endpoint is gone');
      result.ovsPorts++;
    }

    for (const name of found.veths) {
      if (!confirmed(`veth:${name}`)) continue;
      await this.links.retireLink(name);
      this.logger.log({ veth: name }, 'reconciler removed a veth with no OVS port');
      result.veths++;
    }

    for (const ep of found.logicalPorts) {
      if (!confirmed(`lsp:${ep.endpointId}`)) continue;
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
    }

    for (const net of found.networks) {
      if (!confirmed(`net:${net.networkId}`)) continue;
      // The same transaction as DeleteNetwork: the switch goes with its last network, the vrf's router port
      // and policies with it; a switch another network (of any host) still has stays.
      await this.nb.removeNetwork(net.networkId);
      this.logger.log({ networkId: net.networkId, switch: net.switchName }, 'reconciler removed a network dockerd no longer has');
      result.networks++;
    }

    for (const key of this.suspects.keys()) if (!seen.has(key)) this.suspects.delete(key);
    for (const k of ['ovsPorts', 'veths', 'ports', 'networks'] as const) this.totals[k] += result[k];
    this.metrics?.reconcilerRemoved('ovs_port', result.ovsPorts);
    this.metrics?.reconcilerRemoved('veth', result.veths);
    this.metrics?.reconcilerRemoved('logical_port', result.ports);
    this.metrics?.reconcilerRemoved('network', result.networks);
    return result;
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
  private anyBusy(short: string, busy: (id: string) => boolean): boolean {
    return (
      this.nb.endpointsOn(this.ovs.chassis() ?? '').some((ep) => ep.endpointId.startsWith(short) && busy(ep.endpointId)) || busy(short)
    );
  }
}
