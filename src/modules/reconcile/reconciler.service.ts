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
    const busy = (endpointId: string) => this.activity.isBusy(endpointId, Math.max(this.intervalMs, 5_000));

    const ports = this.ovs.ownedPorts();
    for (const port of ports) {
      if (this.nb.findEndpoint(port.ifaceId) || busy(port.ifaceId) || !confirmed(`ovs:${port.ifaceId}`)) continue;
      await this.ovs.detachPort(port.ifaceId);
      await this.links.retireLink(port.portName);
      this.logger.log({ ifaceId: port.ifaceId, port: port.portName }, 'reconciler removed an OVS port whose endpoint is gone');
      result.ovsPorts++;
    }

    const portNames = new Set(this.ovs.ownedPorts().map((p) => p.portName));
    for (const name of await this.links.listLinks()) {
      const m = HOST_VETH.exec(name);
      if (!m || portNames.has(name) || this.anyBusy(m[1], busy) || !confirmed(`veth:${name}`)) continue;
      await this.links.retireLink(name);
      this.logger.log({ veth: name }, 'reconciler removed a veth with no OVS port');
      result.veths++;
    }

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
        const gone = view.kind === 'no-network' || (view.kind === 'endpoints' && !view.ids.has(ep.endpointId));
        if (!gone || !confirmed(`lsp:${ep.endpointId}`)) continue;
        if (port) {
          await this.ovs.detachPort(ep.lspName);
          await this.links.retireLink(port.portName);
        }
        await this.nb.deleteEndpoint(ep.endpointId);
        this.logger.log({ endpointId: ep.endpointId, networkId: ep.networkId, port: port?.portName }, 'reconciler removed an endpoint dockerd no longer knows');
        result.ports++;
      }
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
    return this.nb.endpointsOn(this.ovs.chassis() ?? '').some((ep) => ep.endpointId.startsWith(short) && busy(ep.endpointId)) || busy(short);
  }
}
