import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KeyedQueue } from '../../common/keyed-queue';
import { settleEach } from '../../common/settle-each';
import { LinkOps } from '../host/link-ops';
import { SandboxRouteOps } from '../host/sandbox-route-ops';
import { addressOf, contains, parseSubnet } from '../../domain/address';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord } from '../ovn/ovn.model';
import { vethNames } from './interface-names';
import { planSandboxRoutes, type SandboxEndpoint } from './sandbox-route-plan';

/** How long after Join the driver looks for the endpoint's address in the sandbox, and how often. */
const SETTLE_TIMEOUT_MS = 60_000;
const SETTLE_FIRST_MS = 10;
const SETTLE_MAX_MS = 500;
/** Looks that may fail (an `ip` timing out under load) before the routes are given up, and their spacing. */
const SETTLE_TRIES_ON_ERROR = 5;
const SETTLE_ERROR_BACKOFF_MS = 1_000;
/** How long the move of the container's veth end is watched every SETTLE_FIRST_MS before backing off. */
const SETTLE_WATCH_MS = 3_000;
/** vrf changes arrive in bursts (a compose file creates its networks together): one resync per burst. */
const RESYNC_DEBOUNCE_MS = 100;
/** Sandboxes a resync looks into at once. */
const RESYNC_CONCURRENCY = 8;
/** The next try of a resync that found OVS or NB not ready (a restart, a reconnect). */
const RESYNC_RETRY_MS = 2_000;

/**
 * Keeps the routes from each container to the other networks of its vrfs (see planSandboxRoutes): after
 * Join once dockerd has programmed the interface, before a Join that brings a routed subnet into the
 * sandbox, after Leave, and on every host whenever a vrf gains or loses a network. Sandboxes are found
 * from this host's OVS ports (their SandboxKey), so a restarted driver picks them up again.
 */
@Injectable()
export class SandboxRoutesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SandboxRoutesService.name);
  private readonly queue = new KeyedQueue();
  private resyncTimer?: NodeJS.Timeout;
  /** A resync of every sandbox is due (the NB contents were loaded anew), not only of the routed ones. */
  private resyncAllPending = false;
  /** The last resync failed: the retries log at debug until one succeeds. */
  private resyncFailing = false;
  /** A sweep is running; `resyncAgain`: another is due once it ends. */
  private sweeping = false;
  private resyncAgain = false;
  private closed = false;

  constructor(
    private readonly nb: NorthboundRepository,
    private readonly ovs: LocalSwitchRepository,
    private readonly ops: SandboxRouteOps,
    private readonly links: LinkOps,
  ) {}

  onApplicationBootstrap(): void {
    this.nb.onVrfChange((initial) => this.scheduleResync(initial));
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearTimeout(this.resyncTimer);
  }

  /**
   * Before Join answers: a container already on a network of ours (a live `docker network connect`) may
   * hold a route to the subnet it is joining, which dockerd would refuse to put the address under.
   */
  async beforeJoin(sandboxKey: string, joining: EndpointRecord): Promise<void> {
    // Routes go via routed networks only: a sandbox on isolated ones alone (compose's default) has none.
    if (!this.hasOtherPorts(sandboxKey, joining.lspName, true)) return;
    await this.queue.run(sandboxKey, () => this.sync(sandboxKey, [joining.networkId]));
  }

  /**
   * After Join answers, beside the verbs: dockerd moves the interface in and programs its address (at
   * container start only once every network is joined), then the sandbox gets its routes. Nothing to do
   * for the usual container alone in its vrf.
   */
  afterJoin(sandboxKey: string, joined: EndpointRecord): void {
    const warn = (e: unknown) =>
      this.logger.warn(`routes of sandbox ${sandboxKey} after Join of ${joined.endpointId}: ${(e as Error).message}`);
    // The Join itself is done: a database going away now costs the routes (the next vrf change brings
    // them), never the Join, which dockerd would undo.
    try {
      const net = this.nb.findNetwork(joined.networkId);
      // An isolated network (the default without -o vrf, as compose makes them) routes nowhere: no polling
      // of the sandbox, no processes beside dockerd's container start, unless another network of the
      // sandbox routes (its routes must make way for this subnet).
      const routed = net && !net.isolated ? this.nb.vrfSubnets(net.vrf).length : 0;
      if (!joined.address || (routed <= 1 && !this.hasOtherPorts(sandboxKey, joined.lspName, true))) return;
      void this.settle(sandboxKey, addressOf(joined.address), vethNames(joined.endpointId).peer, joined.lspName).catch(warn);
    } catch (e) {
      warn(e);
    }
  }

  /**
   * After Leave: the routes that went via the departed interface come back via another network of the vrf.
   * dockerd takes that interface out of the sandbox only once Leave has answered (libnetwork sbLeave), so
   * its address may still be there: `leftSubnets`, the subnets of the network left, count as gone.
   */
  afterLeave(sandboxKey: string | undefined, leftSubnets: string[] = []): void {
    try {
      // The routes through the interface that left go with it; others can come back only via a routed network.
      if (!sandboxKey || !this.hasOtherPorts(sandboxKey, undefined, true)) return;
    } catch (e) {
      this.logger.warn(`routes of sandbox ${sandboxKey} after Leave: ${(e as Error).message}`);
      return;
    }
    void this.queue
      .run(sandboxKey, () => this.sync(sandboxKey, [], leftSubnets))
      .catch((e: unknown) => this.logger.warn(`routes of sandbox ${sandboxKey} after Leave: ${(e as Error).message}`));
  }

  /**
   * Brings the local sandboxes' routes in line with NB: every one at start, afterwards those that can hold
   * routes (a port on a network that is not isolated), so that a network created or removed on some host
   * does not enter every container of this one.
   */
  async resyncAll(all = true): Promise<void> {
    const ports = this.ovs.ownedPorts();
    const routedPorts = all
      ? ports
      : ports.filter((p) => {
          const ep = this.nb.findEndpoint(p.ifaceId);
          const net = ep && this.nb.findNetwork(ep.networkId);
          return !net || !net.isolated;
        });
    const keys = new Set(routedPorts.flatMap((p) => (p.sandboxKey ? [p.sandboxKey] : [])));
    // A few sandboxes at a time: each look is three processes, and a host may hold hundreds of sandboxes.
    const results = await settleEach([...keys], RESYNC_CONCURRENCY, (key) => this.queue.run(key, () => this.sync(key)));
    for (const r of results) if (r.status === 'rejected') this.logger.warn(`sandbox routes: ${(r.reason as Error).message}`);
  }

  private scheduleResync(all: boolean, delayMs = RESYNC_DEBOUNCE_MS): void {
    if (this.closed) return;
    clearTimeout(this.resyncTimer);
    this.resyncAllPending ||= all;
    this.resyncTimer = setTimeout(() => {
      // One sweep at a time: changes arriving meanwhile (NB reconnecting again and again) make one more.
      if (this.sweeping) {
        this.resyncAgain = true;
        return;
      }
      const everySandbox = this.resyncAllPending;
      this.resyncAllPending = false;
      this.sweeping = true;
      // NB changes while the local OVS DB reconnects (its restart, an upgrade): the ports cannot be read
      // yet. Tried again until they can; a rejection left unhandled here would end the process.
      this.resyncAll(everySandbox)
        .then(
          () => (this.resyncFailing = false),
          (e: unknown) => {
            const line = `sandbox routes: resync put off ${RESYNC_RETRY_MS / 1000} s: ${(e as Error).message}`;
            if (this.resyncFailing) this.logger.debug(line);
            else this.logger.warn(line);
            this.resyncFailing = true;
            this.resyncAllPending ||= everySandbox;
            this.resyncAgain = true;
          },
        )
        .finally(() => {
          this.sweeping = false;
          if (!this.resyncAgain) return;
          this.resyncAgain = false;
          this.scheduleResync(false, this.resyncFailing ? RESYNC_RETRY_MS : RESYNC_DEBOUNCE_MS);
        });
    }, delayMs);
    this.resyncTimer.unref();
  }

  /**
   * Waits until dockerd has put `ip` in the sandbox, then syncs its routes. Until the container's end of
   * the veth (`peer`) has left this namespace dockerd cannot have programmed it: that is watched in
   * /proc/net/dev, and the sandbox is entered (three `nsenter ip` processes a look) only after.
   */
  private async settle(sandboxKey: string, ip: string, peer: string, lspName: string): Promise<void> {
    const start = Date.now();
    const deadline = start + SETTLE_TIMEOUT_MS;
    let moved = false;
    let failures = 0;
    for (let delay = SETTLE_FIRST_MS; !this.closed && Date.now() < deadline; delay = Math.min(delay * 1.5, SETTLE_MAX_MS)) {
      await new Promise((r) => setTimeout(r, delay));
      if (!moved) {
        if ((await this.links.listLinks()).includes(peer)) {
          // A read of /proc/net/dev is cheap: every 10 ms for the first seconds, then backing off.
          if (Date.now() - start < SETTLE_WATCH_MS) delay = SETTLE_FIRST_MS / 1.5;
          continue;
        }
        // dockerd programs the address right after the move: look from 10 ms on again.
        moved = true;
        delay = SETTLE_FIRST_MS / 1.5;
      }
      // Left already (a container that exited at once, whose namespace file lingers): no more looks.
      if (!this.holds(sandboxKey, lspName)) return;
      try {
        const state = await this.ops.read(sandboxKey);
        if (state?.addresses.some((a) => addressOf(a) === ip)) {
          await this.queue.run(sandboxKey, () => this.sync(sandboxKey));
          return;
        }
      } catch (e) {
        // An `ip` that timed out on a busy host: tried again a few times, a second apart, not given up at once.
        if (++failures >= SETTLE_TRIES_ON_ERROR) throw e;
        this.logger.debug(`sandbox ${sandboxKey}: ${(e as Error).message}; trying again`);
        await new Promise((r) => setTimeout(r, SETTLE_ERROR_BACKOFF_MS));
      }
    }
    if (this.closed) return;
    // Not silent when the namespace itself never became reachable: every routed container would lack its routes.
    const why = await this.ops.diagnose(sandboxKey);
    if (why)
      this.logger.warn(
        `sandbox ${sandboxKey}: routes to the vrf's other networks not set ${SETTLE_TIMEOUT_MS / 1000} s after Join: ${why}`,
      );
    else this.logger.debug(`sandbox ${sandboxKey}: ${ip} did not appear; its routes follow on the next vrf change`);
  }

  private async sync(sandboxKey: string, joiningNetworks: string[] = [], leftSubnets: string[] = []): Promise<void> {
    const read = await this.ops.read(sandboxKey);
    if (!read) return;
    const left = leftSubnets.map((s) => parseSubnet(s));
    const state = { ...read, addresses: read.addresses.filter((a) => !left.some((s) => contains(s, addressOf(a)))) };
    const plan = planSandboxRoutes(this.endpointsIn(sandboxKey, joiningNetworks), (vrf) => this.nb.vrfSubnets(vrf), state);
    if (plan.add.length === 0 && plan.remove.length === 0) return;
    await this.ops.apply(sandboxKey, plan);
    const show = (rs: { destination: string; via: string }[]) => rs.map((r) => `${r.destination} via ${r.via}`).join(', ') || 'none';
    this.logger.debug(`sandbox ${sandboxKey}: routes added ${show(plan.add)}; removed ${show(plan.remove)}`);
  }

  private endpointsIn(sandboxKey: string, joiningNetworks: string[]): SandboxEndpoint[] {
    const networkIds = new Set(joiningNetworks);
    for (const port of this.ovs.ownedPorts()) {
      if (port.sandboxKey !== sandboxKey) continue;
      const ep = this.nb.findEndpoint(port.ifaceId);
      if (ep) networkIds.add(ep.networkId);
    }
    return [...networkIds].flatMap((id) => {
      const net = this.nb.findNetwork(id);
      return net
        ? [
            {
              networkId: id,
              vrf: net.vrf,
              subnet: net.subnet,
              gateway: net.gateway,
              subnet6: net.subnet6,
              gateway6: net.gateway6,
              isolated: net.isolated,
            },
          ]
        : [];
    });
  }

  /** True while the port is this host's and in the sandbox; also while the local OVS DB cannot say. */
  private holds(sandboxKey: string, lspName: string): boolean {
    try {
      return this.ovs.ownedPorts().some((p) => p.sandboxKey === sandboxKey && p.ifaceId === lspName);
    } catch {
      return true;
    }
  }

  /** `routedOnly`: on a network that is not isolated (or one NB cannot name now, to be safe). */
  private hasOtherPorts(sandboxKey: string, except?: string, routedOnly = false): boolean {
    return this.ovs
      .ownedPorts()
      .some((p) => p.sandboxKey === sandboxKey && p.ifaceId !== except && (!routedOnly || this.routes(p.ifaceId)));
  }

  private routes(lspName: string): boolean {
    const ep = this.nb.findEndpoint(lspName);
    const net = ep && this.nb.findNetwork(ep.networkId);
    return !net || !net.isolated;
  }
}
