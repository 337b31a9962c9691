/**
 * The driver's networks as a graph (vrf routers, the switches they join, endpoints on their chassis), made from
 * the `/NetworkDriver.Database` answer alone: the CLI's `topology` prints it, the HTTP listener's
 * `/debug/topology` serves it to the `/topology` page.
 */

export interface EndpointView {
  EndpointID: string;
  LogicalSwitchPort: { Name: string; Up: boolean };
  MacAddress?: string;
  Address?: string;
  AddressIPv6?: string;
  Chassis?: string;
  OvsInterface?: { Name: string; OfPort?: number; OvnInstalled: boolean };
}

export interface NetworkView {
  NetworkID: string;
  Vrf?: string;
  Subnet?: string;
  Gateway?: string;
  SubnetIPv6?: string;
  Mtu?: number;
  Internal?: boolean;
  LogicalSwitch: { Name: string };
  Endpoints: EndpointView[];
}

export interface DatabaseView {
  Chassis?: string;
  Host?: { SystemId?: string; EncapIp?: string; EncapType?: string; NbRemote?: string; SbRemote?: string; OvsVersion?: string };
  Networks: NetworkView[];
  Routers: { Name: string; Vrf?: string; Ports: { Name: string; Networks: string[] | string }[] }[];
}

export interface Topology {
  routers: { id: string; vrf: string }[];
  /** `name`: the Docker network's name, when dockerd answered (the driver alone knows only its ID). */
  switches: { id: string; network: string; subnet: string; router?: string; name?: string }[];
  /** `container`: the name of the container on this host, when dockerd answered. */
  endpoints: {
    id: string;
    endpoint: string;
    switch: string;
    address: string;
    chassis: string;
    up: boolean;
    /** ovn-installed on this host's OVS; undefined for an endpoint of another chassis (not seen from here). */
    installed?: boolean;
    container?: string;
  }[];
}

/** The graph: vrf routers, the switches they join, and endpoints on their chassis. */
export function topology(db: DatabaseView): Topology {
  const routerOfVrf = new Map(db.Routers.map((r) => [r.Vrf ?? r.Name, r.Name]));
  return {
    routers: db.Routers.map((r) => ({ id: r.Name, vrf: r.Vrf ?? '' })),
    switches: db.Networks.map((n) => ({
      id: n.LogicalSwitch.Name,
      network: n.NetworkID.slice(0, 12),
      subnet: n.Subnet ?? n.SubnetIPv6 ?? '',
      router: n.Vrf ? routerOfVrf.get(n.Vrf) : undefined,
    })),
    endpoints: db.Networks.flatMap((n) =>
      n.Endpoints.map((e) => ({
        id: e.LogicalSwitchPort.Name,
        endpoint: e.EndpointID.slice(0, 12),
        switch: n.LogicalSwitch.Name,
        address: e.Address ?? e.AddressIPv6 ?? '',
        chassis: e.Chassis ?? '',
        up: e.LogicalSwitchPort.Up,
        installed: installedHere(db, e),
      })),
    ),
  };
}

/** ovn-installed as this host's OVS has it; undefined for another chassis's endpoint, whose OVS is not read here. */
export function installedHere(db: DatabaseView, e: EndpointView): boolean | undefined {
  if (e.Chassis && db.Chassis && e.Chassis !== db.Chassis) return undefined;
  return e.OvsInterface?.OvnInstalled ?? false;
}
