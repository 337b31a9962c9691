import { Injectable } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';
import { AddressPoolRepository } from '../ovn/address-pool.repository';
import { networksOf, endpointOf } from '../ovn/network-records';
import { OvsdbSessions } from '../ovn/ovsdb-sessions';
import { lookup } from '../ovn/cache-indexes';
import { isOwned, NETWORK_ID_KEY, VRF_KEY } from '../ovn/ownership';
import type { NbClient } from '../ovn/ovsdb-sessions';
import { NB, OVS } from '../ovn/tables';

/**
 * The seed's `/NetworkDriver.Database`, read from the replicas of NB and the local OVS DB that the
 * monitors keep (no state of the driver's own): its networks with their switches, endpoints with their
 * ports, and the OVS side of each endpoint on this host.
 */
@Injectable()
export class DatabaseViewService {
  constructor(
    private readonly sessions: OvsdbSessions,
    private readonly pools: AddressPoolRepository,
    private readonly config: DriverConfig,
  ) {}

  database(): Record<string, unknown> {
    const nb = this.sessions.nb();
    const ovs = this.sessions.ovs.state === 'ready' ? this.sessions.ovs : undefined;
    const ifaces = ovs ? [...ovs.cache.table(OVS.Interface).values()] : [];
    const byIfaceId = new Map(ifaces.filter((i) => i.external_ids['iface-id']).map((i) => [i.external_ids['iface-id'], i]));
    const switches = [...nb.cache.table(NB.Logical_Switch).values()].filter((s) => isOwned(s.external_ids));
    const networks = switches.flatMap((sw) =>
      networksOf(sw).map((net) => ({
        NetworkID: net.networkId,
        Vrf: net.vrf,
        Subnet: net.subnet,
        Gateway: net.gateway,
        SubnetIPv6: net.subnet6,
        GatewayIPv6: net.gateway6,
        Mtu: net.mtu,
        Internal: net.internal,
        Ingress: net.ingress,
        Isolated: net.isolated,
        PortGroup: portGroupView(nb, net.networkId),
        LogicalSwitch: { Name: sw.name, UUID: sw._uuid },
        Endpoints: sw.ports
          .map((uuid) => nb.cache.get(NB.Logical_Switch_Port, uuid))
          .filter((lsp) => !!lsp && isOwned(lsp.external_ids) && lsp.external_ids[NETWORK_ID_KEY] === net.networkId)
          .map((lsp) => lsp!)
          .map((lsp) => {
            const ep = endpointOf(lsp);
            const iface = byIfaceId.get(lsp.name);
            return {
              EndpointID: ep.endpointId,
              LogicalSwitchPort: { Name: lsp.name, UUID: lsp._uuid, Addresses: lsp.addresses, Up: lsp.up ?? false },
              MacAddress: ep.mac,
              Address: ep.address,
              AddressIPv6: ep.addressIPv6,
              Chassis: ep.chassis,
              Policy: endpointPolicyView(nb, net.networkId, lsp._uuid, ep.endpointId),
              OvsInterface: iface
                ? {
                    Name: iface.name,
                    OfPort: iface.ofport === undefined ? undefined : Number(iface.ofport),
                    OvnInstalled: iface.external_ids['ovn-installed'] === 'true',
                    Sandbox: iface.external_ids['vm-id'],
                  }
                : undefined,
            };
          }),
      })),
    );
    const routers = [...nb.cache.table(NB.Logical_Router).values()]
      .filter((r) => isOwned(r.external_ids))
      .map((r) => ({
        Name: r.name,
        UUID: r._uuid,
        Vrf: r.external_ids[VRF_KEY],
        Ports: r.ports
          .map((p) => nb.cache.get(NB.Logical_Router_Port, p))
          .filter(Boolean)
          .map((p) => ({ Name: p!.name, Networks: p!.networks, Mac: p!.mac })),
      }));
    const pools = this.pools.pools().map((p) => ({ Pool: p.key, Gateway: p.gateway, Allocated: p.allocated }));
    return { Chassis: lookup.chassis(this.sessions.ovs.cache), Host: this.host(), Networks: networks, Routers: routers, Pools: pools };
  }

  /** br-int as OVS has it: its ports with their interfaces (read-only). */
  bridge(name: string): Record<string, unknown> {
    const ovs = this.sessions.localOvs();
    const bridge = [...ovs.cache.table(OVS.Bridge).values()].find((b) => b.name === name);
    if (!bridge) return { Bridge: name, Ports: [] };
    const ports = bridge.ports
      .map((p) => ovs.cache.get(OVS.Port, p))
      .filter((p) => !!p)
      .map((p) => p!)
      .map((p) => ({
        Name: p.name,
        UUID: p._uuid,
        Interfaces: p.interfaces
          .map((i) => ovs.cache.get(OVS.Interface, i))
          .filter((i) => !!i)
          .map((i) => i!)
          .map((i) => ({
            Name: i.name,
            Type: i.type,
            OfPort: i.ofport === undefined ? undefined : Number(i.ofport),
            Error: i.error,
            ExternalIds: i.external_ids,
          })),
      }));
    return { Bridge: name, UUID: bridge._uuid, Ports: ports };
  }

  /** What `docker-ovn-driver doctor` checks on this host: the chassis settings ovn-controller reads from OVS. */
  private host(): Record<string, string | undefined> {
    const row = [...this.sessions.ovs.cache.table(OVS.Open_vSwitch).values()][0];
    const ids: Record<string, string> = row?.external_ids ?? {};
    return {
      SystemId: ids['system-id'],
      EncapIp: ids['ovn-encap-ip'],
      EncapType: ids['ovn-encap-type'],
      NbRemote: this.config.OVN_DRIVER_NB ?? ids['ovn-nb'],
      SbRemote: ids['ovn-remote'],
      OvsVersion: typeof row?.ovs_version === 'string' ? row.ovs_version : undefined,
    };
  }
}

function portGroupView(nb: NbClient, networkId: string): Record<string, unknown> | undefined {
  const pg = lookup.portGroupOfNetwork(nb.cache, networkId);
  if (!pg) return undefined;
  const acls = pg.acls.map((a) => nb.cache.get(NB.ACL, a)).filter((a) => !!a);
  return { Name: pg.name, UUID: pg._uuid, Ports: pg.ports.length, Acls: acls.length, Meter: acls.find((a) => a!.meter)?.meter };
}

/** What may reach the endpoint, read back from its group membership and allow ACL (not from the request). */
function endpointPolicyView(nb: NbClient, networkId: string, lspUuid: string, endpointId: string): Record<string, unknown> {
  const pg = lookup.portGroupOfNetwork(nb.cache, networkId);
  if (!pg?.ports.includes(lspUuid)) return { Ingress: 'open' };
  const acl = lookup.allowAclOf(nb.cache, endpointId);
  const ids = acl?.external_ids ?? {};
  return {
    Ingress: ids['docker-ovn:ingress'] ?? 'closed',
    Ports: ids['docker-ovn:ports'] ? ids['docker-ovn:ports'].split(',') : [],
    From: ids['docker-ovn:from'] ? ids['docker-ovn:from'].split(',') : [],
    Acl: acl ? { Name: acl.name, Match: acl.match, Action: acl.action, Priority: acl.priority } : undefined,
  };
}
