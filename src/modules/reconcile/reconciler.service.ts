import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import { EndpointActivity } from '../endpoint/endpoint-activity';
import { LinkOps } from '../host/link-ops';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { DriverMetrics } from '../observability/driver-metrics';
import { NorthboundRepository } from '../ovn/northbound.repository';
import { OvsdbSessions } from '../ovn/ovsdb-sessions';
import { DockerEndpoints } from './docker-endpoints';

/** Host-side veth names this driver makes (see vethNames). */
const HOST_VETH = /^ovn([0-9a-f]{12})$/;

/** Orphans as GET /debug/orphans serves them. */
export interface Orphans {
  ovsPorts: { ifaceId: string; portName: string }[];
  veths: string[];
  /** portName: the host side CreateEndpoint made for an endpoint that never joined a sandbox. */
  logicalPorts: { endpointId: string; networkId: string; lspName: string; portName?: string }[];
}

export interface ReconcileResult {
  ovsPorts: number;
  veths: number;
  ports: number;
}

/**
 * Removes what a crash or a lost request left behind on this host: OVS ports and veths whose endpoint
 * is gone from NB, and this chassis' endpoints that never joined a sandbox (no OVS port, or one made by
 * CreateEndpoint with no SandboxKey yet) and that the local dockerd no longer knows, host side included.
 * An object must look orphaned on two passes one interval apart, and endpoints with a verb in progress (or
 * just finished) are skipped, so nothing between CreateEndpoint and Join is touched.
 * Rows of other hosts and rows not owned by the driver are never candidates.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconcileResult>;
  /** Candidate → when it was first seen orphaned. */
  private readonly suspects = new Map<string, number>();
  readonly totals: ReconcileResult = { ovsPorts: 0, veths: 0, ports: 0 };

  constructor(
    private readonly config: DriverConfig,
    private readonly sessions: OvsdbSessions,
    private readonly nb: NorthboundRepository,
    private readonly ovs: LocalSwitchRepository,
    private readonly links: LinkOps,
    private readonly activity: EndpointActivity,
    private readonly docker: DockerEndpoints,
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
        return { ovsPorts: 0, veths: 0, ports: 0 };
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * What a pass would remove now, before the two-pass confirmation: OVS ports whose endpoint is gone from NB,
   * veths with no OVS port, and this chassis' logical ports with no OVS port that dockerd no longer knows.
   * `docker-ovn-driver doctor` shows it (GET /debug/orphans); removing nothing, it is safe to ask any time.
   */
  async orphans(): Promise<Orphans> {
    const busy = (endpointId: string) => this.activity.isBusy(endpointId, Math.max(this.intervalMs, 5_000));
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
    const chassis = this.ovs.chassis();
    if (chassis) {
      const views = new Map<string, Awaited<ReturnType<DockerEndpoints['network']>>>();
      for (const ep of this.nb.endpointsOn(chassis)) {
        // A port with a sandbox is joined. One without is between CreateEndpoint and Join (a driver
        // restarted in between adopts it: Join finds it) or was never joined: dockerd decides which.
        const port = this.ovs.findPort(ep.lspName);
        if (port?.sandboxKey || busy(ep.endpointId)) continue;
        if (!views.has(ep.networkId)) views.set(ep.networkId, await this.docker.network(ep.networkId));
        const view = views.get(ep.networkId)!;
        if (view.kind === 'no-network' || (view.kind === 'endpoints' && !view.ids.has(ep.endpointId)))
          logicalPorts.push({
            endpointId: ep.endpointId,
            networkId: ep.networkId,
            lspName: ep.lspName,
            ...(port && { portName: port.portName }),
          });
      }
    }
    return { ovsPorts, veths, logicalPorts };
  }

  private async reconcile(): Promise<ReconcileResult> {
    const result: ReconcileResult = { ovsPorts: 0, veths: 0, ports: 0 };
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
      await this.nb.deleteEndpoint(ep.endpointId);
      this.logger.log(
        { endpointId: ep.endpointId, networkId: ep.networkId, port: ep.portName },
        'reconciler removed an endpoint dockerd no longer knows',
      );
      result.ports++;
    }

    for (const key of this.suspects.keys()) if (!seen.has(key)) this.suspects.delete(key);
    for (const k of ['ovsPorts', 'veths', 'ports'] as const) this.totals[k] += result[k];
    this.metrics?.reconcilerRemoved('ovs_port', result.ovsPorts);
    this.metrics?.reconcilerRemoved('veth', result.veths);
    this.metrics?.reconcilerRemoved('logical_port', result.ports);
    return result;
  }

  /** A veth carries only 12 hex digits of its EndpointID. */
  private anyBusy(short: string, busy: (id: string) => boolean): boolean {
    return (
      this.nb.endpointsOn(this.ovs.chassis() ?? '').some((ep) => ep.endpointId.startsWith(short) && busy(ep.endpointId)) || busy(short)
    );
  }
}
