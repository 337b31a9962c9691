import type { EndpointPolicy, IngressMode } from '../../domain/policy';

/** A Docker network as recorded in NB (on its logical switch's external_ids). */
export interface NetworkRecord {
  networkId: string;
  vrf: string;
  switchName: string;
  switchUuid: string;
  /** Canonical IPv4 subnet, "10.10.10.0/23". */
  subnet: string;
  gateway?: string;
  subnet6?: string;
  gateway6?: string;
  mtu?: number;
  internal: boolean;
  /** Default ingress mode of its endpoints. */
  ingress: IngressMode;
  /** Its switch's subnets are not routed to or from the vrf's other subnets. */
  isolated: boolean;
  /** The chassis of the host that created it; unknown for networks made by an earlier release. */
  chassis?: string;
  /** Its addresses come from Docker's built-in IPAM, per host. */
  dockerIpam: boolean;
}

/** A Docker endpoint as recorded in NB (a Logical_Switch_Port). */
export interface EndpointRecord {
  endpointId: string;
  networkId: string;
  lspName: string;
  lspUuid: string;
  mac: string;
  /** "10.10.10.34/23" */
  address?: string;
  addressIPv6?: string;
  /** OVS system-id of the host that created it. */
  chassis?: string;
  /** NB says the port is bound and up (Logical_Switch_Port.up). */
  up?: boolean;
}

/** What CreateEndpoint asks NB for. */
export interface EndpointSpec {
  networkId: string;
  endpointId: string;
  mac: string;
  address?: string;
  addressIPv6?: string;
  /** What may reach it; absent: anything (no ACL). */
  policy?: EndpointPolicy;
}

/** The OVS side of a joined endpoint. */
export interface PortRecord {
  portName: string;
  ifaceId: string;
  ofport?: number;
  installed: boolean;
  sandbox?: string;
  /** The container's network namespace path (Join's SandboxKey). */
  sandboxKey?: string;
}
