import { WireCidr, WireNetworkId, WireInt, WireList, WireMap, WireString } from './wire.decorators';

/** One address pool of a network (libnetwork/drivers/remote/api IPAMData). */
export class IPAMData {
  @WireString({ optional: true, description: 'IPAM address space of the pool' }) AddressSpace?: string;
  @WireCidr({ description: 'The pool', example: '10.10.10.0/23' }) Pool!: string;
  @WireCidr({ optional: true, description: 'Gateway address with the pool prefix length', example: '10.10.10.1/23' })
  Gateway?: string | null;
  @WireMap({ optional: true, description: 'Reserved addresses by name (CIDR values)' }) AuxAddresses?: Record<string, string> | null;
}

/** /NetworkDriver.GetCapabilities reply. */
export class CapabilitiesResponse {
  @WireString({ pattern: /^(local|global)$/, patternMessage: 'local or global', description: 'local, or global when networks span hosts' })
  Scope!: string;
  @WireString({ optional: true, pattern: /^(local|global)$/, patternMessage: 'local or global' }) ConnectivityScope?: string;
}

/** /NetworkDriver.CreateNetwork request. */
export class CreateNetworkRequest {
  @WireNetworkId() NetworkID!: string;
  @WireMap({
    optional: true,
    description:
      'com.docker.network.generic holds the -o options (vrf, mtu); com.docker.network.enable_ipv6 and com.docker.network.internal are booleans',
  })
  Options?: Record<string, unknown> | null;
  @WireList(() => IPAMData, { optional: true }) IPv4Data?: IPAMData[] | null;
  @WireList(() => IPAMData, { optional: true }) IPv6Data?: IPAMData[] | null;
}

/** Requests naming only a network: DeleteNetwork, FreeNetwork. */
export class NetworkRequest {
  @WireNetworkId() NetworkID!: string;
}

/**
 * /NetworkDriver.AllocateNetwork request (swarm managers only). Unlike CreateNetwork's, its Options are the
 * `-o` options themselves, flat (swarmkit's network spec DriverConfig.Options).
 */
export class AllocateNetworkRequest {
  @WireNetworkId() NetworkID!: string;
  @WireMap({ optional: true, description: 'The -o options (vrf, mtu, ingress, isolated), flat: not under com.docker.network.generic' })
  Options?: Record<string, unknown> | null;
  @WireList(() => IPAMData, { optional: true }) IPv4Data?: IPAMData[] | null;
  @WireList(() => IPAMData, { optional: true }) IPv6Data?: IPAMData[] | null;
}

/** /NetworkDriver.AllocateNetwork reply: the options to hand to CreateNetwork on every node. */
export class AllocateNetworkResponse {
  @WireMap({ optional: true }) Options?: Record<string, string> | null;
}

/** /NetworkDriver.DiscoverNew and DiscoverDelete request. */
export class DiscoveryRequest {
  @WireInt({ description: '1 = node discovery' }) DiscoveryType!: number;
  @WireMap({ optional: true }) DiscoveryData?: Record<string, unknown> | null;
}
