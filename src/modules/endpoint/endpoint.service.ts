import { Injectable, Logger } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import type {
  CreateEndpointRequest,
  CreateEndpointResponse,
  EndpointInterface,
  JoinRequest,
  JoinResponse,
} from '../../protocol/endpoint.dto';
import { BadRequestError, DriverError, UnavailableError } from '../../protocol/errors';
import { LinkOps } from '../host/link-ops';
import { sandboxMounted } from '../host/sandbox-mount';
import { contains, parseSubnet } from '../../domain/address';
import { LocalSwitchRepository } from '../ovn/local-switch.repository';
import { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord, NetworkRecord } from '../ovn/ovn.model';
import { SandboxRoutesService } from './sandbox-routes.service';
import { VerbActivity } from './verb-activity';
import { sandboxId, vethNames } from './interface-names';
import { needsTxChecksumOff } from './userspace-datapath';
import { macForIPv4 } from '../../domain/mac';
import { endpointPolicy, EXPOSED_PORTS, exposedPorts } from '../../domain/policy';
import { DefaultMtu } from './default-mtu';
import { timeLeft, VERB_BUDGET_MS } from '../../core/verb-deadline';
import { allDone } from '../../common/all-done';

/** An endpoint with a verb this recent may be mid-way between verbs (Leave before DeleteEndpoint): not dead. */
const DEAD_HOLDER_QUIET_MS = 10_000;

/** Endpoint verbs. Owns their step order and rollback; repositories own the transactions. */
@Injectable()
export class EndpointService {
  private readonly logger = new Logger(EndpointService.name);
  private readonly defaultMtu: DefaultMtu;

  constructor(
    private readonly config: DriverConfig,
    private readonly nb: NorthboundRepository,
    private readonly ovs: LocalSwitchRepository,
    private readonly links: LinkOps,
    private readonly activity: VerbActivity,
    private readonly routes: SandboxRoutesService,
  ) {
    this.defaultMtu = new DefaultMtu(ovs, links, this.logger);
  }

  createEndpoint(req: CreateEndpointRequest): Promise<CreateEndpointResponse> {
    return this.activity.run(req.EndpointID, () => this.doCreateEndpoint(req));
  }

  deleteEndpoint(endpointId: string): Promise<void> {
    return this.activity.run(endpointId, () => this.doDeleteEndpoint(endpointId));
  }

  join(req: JoinRequest): Promise<JoinResponse> {
    return this.activity.run(req.EndpointID, () => this.doJoin(req));
  }

  leave(endpointId: string): Promise<void> {
    return this.activity.run(endpointId, () => this.doLeave(endpointId));
  }

  private async doCreateEndpoint(req: CreateEndpointRequest): Promise<CreateEndpointResponse> {
    const net = this.network(req.NetworkID);
    const iface: EndpointInterface = req.Interface ?? {};
    if (!iface.Address)
      throw new BadRequestError('the endpoint has no IPv4 address (Interface.Address is empty); use an IPAM driver that assigns one');
    checkInside(iface.Address, net.subnet);
    if (iface.AddressIPv6) {
      if (!net.subnet6) throw new BadRequestError(`network ${req.NetworkID} has no IPv6 subnet for ${iface.AddressIPv6}`);
      checkInside(iface.AddressIPv6, net.subnet6);
    }
    // Exposed ports and --driver-opt pairs both arrive in CreateEndpoint's Options (moby daemon/network.go).
    const policy = endpointPolicy(req.Options, net.ingress);
    await this.removeDeadHolders(req.NetworkID, req.EndpointID, [iface.Address, iface.AddressIPv6]);
    // A retried CreateEndpoint finds its port and hands back the MAC it chose the first time.
    const existing = this.nb.findEndpoint(req.EndpointID);
    const mac = (iface.MacAddress || existing?.mac || macForIPv4(iface.Address)).toLowerCase();
    // The logical port and the host side go together, as Docker's bridge driver makes its veth pair here
    // (libnetwork drivers/bridge createEndpoint): ovn-controller binds the port and installs its flows while
    // dockerd builds the sandbox, and Join's dataplane wait usually finds them in. The NB transaction is sent
    // first; the veth request, which runs inside its syscall, follows while NB answers.
    const logical = this.nb.createEndpoint(
      {
        networkId: req.NetworkID,
        endpointId: req.EndpointID,
        mac,
        address: iface.Address,
        addressIPv6: iface.AddressIPv6 || undefined,
        policy,
      },
      this.ovs.chassis(),
    );
    const host = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.makeHostSide(req.EndpointID, net, mac));
    try {
      await allDone([logical, host]);
    } catch (e) {
      // dockerd sends no DeleteEndpoint after a failed CreateEndpoint (libnetwork network.go createEndpoint
      // only releases the addresses): nothing of this endpoint may stay.
      await this.removeEndpoint(req.EndpointID).catch((undo: unknown) =>
        this.logger.warn(
          `undoing the failed CreateEndpoint of ${req.EndpointID} failed too (the reconciler finishes it): ${(undo as Error).message}`,
        ),
      );
      throw e;
    }
    // Reply only with what Docker left empty: echoing a field it sent fails the endpoint in dockerd
    // (libnetwork/drivers/remote/driver.go: "driver modified interface").
    return iface.MacAddress ? {} : { Interface: { MacAddress: mac } };
  }

  /**
   * An endpoint of this host holding an address dockerd has just handed out, whose veth and sandbox are gone
   * (no OVS port, or no veth behind it; its network namespace is not mounted), is
   * left over from a container that ended without its Leave and DeleteEndpoint reaching the driver: a power
   * loss or a crash of the host, the driver or the central while dockerd cleaned up at boot. dockerd's IPAM
   * gave the address out again, so none of its endpoints holds it. It is removed now, as the reconciler would
   * after two passes, rather than failing the restarted container with ADDRESS_IN_USE. A live endpoint (its
   * veth in OVS, or its sandbox mounted) or one with a verb under way is left alone, and so is any other
   * host's: NB refuses the address then, as before.
   */
  private async removeDeadHolders(networkId: string, endpointId: string, cidrs: (string | undefined)[]): Promise<void> {
    const ips = cidrs.filter((c): c is string => !!c).map((c) => c.split('/')[0]!);
    const holders = this.nb.endpointsHolding(networkId, ips).filter((h) => h.endpointId !== endpointId);
    if (holders.length === 0) return;
    const chassis = this.ovs.chassis();
    for (const holder of holders) {
      if (!chassis || holder.chassis !== chassis || this.activity.isBusy(holder.endpointId, DEAD_HOLDER_QUIET_MS)) continue;
      const port = this.ovs.findPort(holder.lspName);
      if (port?.sandboxKey && sandboxMounted(port.sandboxKey)) continue;
      // OVS marks a vanished veth (ofport -1) only when it next opens its ports, as at boot: the kernel tells.
      if (port && port.ofport !== -1 && (await this.links.listLinks()).includes(port.portName)) continue;
      this.logger.warn(
        `removing endpoint ${holder.endpointId} of this host: it holds ${[holder.address, holder.addressIPv6].filter(Boolean).join(' and ')}, ` +
          `which dockerd has given endpoint ${endpointId}, and its veth and sandbox are gone (a container that ended without Leave, e.g. a power loss)`,
      );
      await this.activity.run(holder.endpointId, () => this.removeEndpoint(holder.endpointId));
    }
  }

  /**
   * The veth pair (peer with the endpoint's MAC, host end up) and its OVS port on the integration bridge with
   * external_ids:iface-id, the binding ovn-controller looks for. `sandbox` is known only at Join. On OVS's
   * userspace datapath the peer fills its own checksums (see {@link needsTxChecksumOff}); it is set before
   * the verb answers, so before dockerd moves the peer into the sandbox, and the setting moves with it.
   */
  private async makeHostSide(endpointId: string, net: NetworkRecord, mac: string, sandbox?: { id: string; key: string }): Promise<void> {
    const names = vethNames(endpointId);
    await this.links.createVethPair(names.host, names.peer, { mtu: net.mtu ?? this.defaultMtu.get(), peerMac: mac });
    // The checksum setting and the OVS port are independent: both are in place before the verb answers.
    const checksum = needsTxChecksumOff(this.ovs.datapathType(this.config.OVN_DRIVER_BRIDGE))
      ? this.links.disableTxChecksum(names.peer)
      : undefined;
    const port = this.ovs.attachPort({
      bridge: this.config.OVN_DRIVER_BRIDGE,
      portName: names.host,
      ifaceId: endpointId,
      mac,
      sandbox: sandbox?.id,
      sandboxKey: sandbox?.key,
      networkId: net.networkId,
    });
    await allDone([checksum, port]);
  }

  /**
   * dockerd answers a failed Join with DeleteEndpoint, not Leave (libnetwork endpoint.go sbJoin rollback), and
   * an endpoint that never joined has its host side from CreateEndpoint: both go here.
   */
  private async doDeleteEndpoint(endpointId: string): Promise<void> {
    await this.removeEndpoint(endpointId);
  }

  /**
   * The host side and the logical port, in parallel, both attempted whatever the other does. The logical port
   * goes even when the host side cannot be cleaned now (the local OVS DB down): the reconciler removes an OVS
   * port whose endpoint is gone.
   */
  private async removeEndpoint(endpointId: string): Promise<void> {
    await allDone([this.doLeave(endpointId), this.nb.deleteEndpoint(endpointId)]);
  }

  private async doJoin(req: JoinRequest): Promise<JoinResponse> {
    const ep = this.endpoint(req.EndpointID);
    const net = this.network(ep.networkId);
    const names = vethNames(req.EndpointID);
    const sandbox = { id: sandboxId(req.SandboxKey), key: req.SandboxKey };
    // A look into the sandbox that failed (an `ip` timing out on a busy host) does not fail the Join: a route
    // it could not take away is rare (this subnet routed to the container by another network of the vrf),
    // and dockerd then says so itself when it programs the address.
    await this.routes
      .beforeJoin(req.SandboxKey, ep)
      .catch((e: unknown) =>
        this.logger.warn(`routes of sandbox ${req.SandboxKey} before Join of ${req.EndpointID}: ${(e as Error).message}`),
      );
    // CreateEndpoint made the host side. It is made again here when it is not there (an endpoint created by
    // an earlier version, a Join after its Leave) or its veth is gone (OVS reports ofport -1 for an interface
    // it cannot open, ovs-vswitchd.conf.db(5)).
    const port = this.ovs.findPort(ep.lspName);
    const made = port !== undefined && port.portName === names.host && port.ofport !== -1;
    try {
      const wait = this.config.OVN_DRIVER_JOIN_TIMEOUT_MS > 0;
      // Every Join carries the container's exposed ports, its CreateEndpoint only on the first network that
      // is not --internal (moby buildPortsRelatedCreateEndpointOptions): an `exposed` endpoint takes them here.
      const exposed = exposedPorts(req.Options?.[EXPOSED_PORTS]);
      const expose = exposed.length > 0 ? this.nb.exposePorts(req.EndpointID, exposed) : undefined;
      if (made) {
        // Recording the sandbox and waiting for ovn-installed overlap: the map mutation leaves the binding alone.
        // The wait changes nothing, so a failed write answers at once rather than after it (up to 10 s).
        const recorded = this.ovs.setSandbox(ep.lspName, sandbox);
        const installed = wait ? this.waitInstalled(ep) : undefined;
        installed?.catch(() => undefined);
        await allDone([recorded, expose]);
        await installed;
      } else {
        await allDone([this.makeHostSide(req.EndpointID, net, ep.mac, sandbox), expose]);
        if (wait) await this.waitInstalled(ep);
      }
    } catch (e) {
      // dockerd gets the Join's own error and follows it with DeleteEndpoint, which removes the host side
      // (libnetwork endpoint.go sbJoin); what this rollback could not undo, that or the reconciler finishes.
      await this.undoJoin(ep.lspName, names.host).catch((undo: unknown) =>
        this.logger.warn(`undoing the failed Join of ${req.EndpointID} failed too: ${(undo as Error).message}`),
      );
      // beforeJoin took away a route the container had to this network's subnets (a live `docker network
      // connect`): the sandbox's routes are made again without it. DeleteEndpoint cannot: the port that
      // named the sandbox is gone.
      this.routes.afterLeave(
        req.SandboxKey,
        [net.subnet, net.subnet6].filter((s): s is string => !!s),
      );
      throw e;
    }
    this.routes.afterJoin(req.SandboxKey, ep);
    // No StaticRoutes: dockerd installs them once and never revisits them, so they could neither follow
    // the vrf nor make way for a network the container joins later (SandboxRoutesService keeps them).
    return { InterfaceName: { SrcName: names.peer, DstPrefix: 'eth' } };
  }

  private async doLeave(endpointId: string): Promise<void> {
    // The logical port, hence the OVS interface's iface-id, is named after the endpoint (insertPort): Leave
    // asks nothing of NB, so a `docker stop` during an NB outage still takes the host side away.
    const ifaceId = endpointId;
    const sandboxKey = this.sandboxOf(ifaceId);
    const left = this.subnetsOf(endpointId);
    await this.undoJoin(ifaceId, vethNames(endpointId).host);
    this.routes.afterLeave(sandboxKey, left);
  }

  /** The subnets of the endpoint's network, as far as NB can tell now. */
  private subnetsOf(endpointId: string): string[] {
    try {
      const ep = this.nb.findEndpoint(endpointId);
      const net = ep && this.nb.findNetwork(ep.networkId);
      return net ? [net.subnet, net.subnet6].filter((s): s is string => !!s) : [];
    } catch (e) {
      if (e instanceof UnavailableError) return [];
      throw e;
    }
  }

  /** Read before the port goes; none while the local OVS DB is away (the veth is retired all the same). */
  private sandboxOf(ifaceId: string): string | undefined {
    try {
      return this.ovs.findPort(ifaceId)?.sandboxKey;
    } catch (e) {
      if (e instanceof UnavailableError) return undefined;
      throw e;
    }
  }

  operInfo(endpointId: string): Record<string, unknown> {
    const ep = this.endpoint(endpointId);
    const names = vethNames(endpointId);
    const port = this.ovs.findPort(ep.lspName);
    return {
      LogicalSwitchPort: ep.lspName,
      MacAddress: ep.mac,
      ...(ep.address ? { Address: ep.address } : {}),
      ...(ep.addressIPv6 ? { AddressIPv6: ep.addressIPv6 } : {}),
      LogicalSwitch: this.nb.findNetwork(ep.networkId)?.switchName,
      HostVeth: names.host,
      ContainerVeth: names.peer,
      ...(port
        ? { OvsPort: port.portName, OvnInstalled: port.installed, ...(port.ofport !== undefined ? { OfPort: port.ofport } : {}) }
        : {}),
      ...(ep.chassis ? { Chassis: ep.chassis } : {}),
      ...(ep.up !== undefined ? { Up: ep.up } : {}),
    };
  }

  private async waitInstalled(ep: EndpointRecord): Promise<void> {
    // Within what is left of the request's time: a Join held at start-up must still answer dockerd in time.
    // At least 1 ms, which still looks once: to the OVSDB client 0 means no timeout at all.
    const timeout = Math.max(1, Math.min(this.config.OVN_DRIVER_JOIN_TIMEOUT_MS, timeLeft()));
    try {
      await this.ovs.waitInstalled(ep.lspName, timeout);
    } catch (e) {
      if (e instanceof DriverError) throw e;
      const bound = timeout < this.config.OVN_DRIVER_JOIN_TIMEOUT_MS ? ` (what was left of the call's ${VERB_BUDGET_MS} ms)` : '';
      throw new DriverError(
        'DATAPLANE_TIMEOUT',
        `ovn-controller did not install port ${ep.lspName} within ${timeout} ms${bound}; is ovn-controller running on this host?`,
      );
    }
  }

  private async undoJoin(ifaceId: string, hostVeth: string): Promise<void> {
    // Both steps run even if one fails, so a retried Leave finishes what a failed one left. The veth is
    // retired, not deleted: the kernel deletes it a moment later with the others (LinkOps.retireLink).
    await allDone([this.ovs.detachPort(ifaceId), this.links.retireLink(hostVeth)]);
  }

  private network(networkId: string): NetworkRecord {
    const net = this.nb.findNetwork(networkId);
    if (!net) throw new DriverError('NETWORK_NOT_FOUND', `network ${networkId} is not known to this driver`);
    return net;
  }

  private endpoint(endpointId: string): EndpointRecord {
    const ep = this.nb.findEndpoint(endpointId);
    if (!ep) throw new DriverError('ENDPOINT_NOT_FOUND', `endpoint ${endpointId} is not known to this driver`);
    return ep;
  }
}

function checkInside(cidr: string, subnet: string): void {
  if (!contains(parseSubnet(subnet), cidr.split('/')[0]!))
    throw new BadRequestError(`address ${cidr} is outside the network's subnet ${subnet}`);
}
