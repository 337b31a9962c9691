import {
  WireBool,
  WireCidr,
  WireId,
  WireNetworkId,
  WireInt,
  WireIp,
  WireList,
  WireMac,
  WireMap,
  WireObject,
  WireString,
} from './wire.decorators';

/** The container interface as Docker sees it; empty strings mean "driver, choose". */
export class EndpointInterface {
  @WireCidr({ optional: true, allowEmpty: true, example: '10.10.10.34/23' }) Address?: string;
  @WireCidr({ optional: true, allowEmpty: true, example: 'fd00::22/64' }) AddressIPv6?: string;
  @WireMac({ optional: true, allowEmpty: true }) MacAddress?: string;
}

/** /NetworkDriver.CreateEndpoint request. */
export class CreateEndpointRequest {
  @WireNetworkId() NetworkID!: string;
  @WireId() EndpointID!: string;
  @WireObject(() => EndpointInterface, { optional: true }) Interface?: EndpointInterface | null;
  @WireMap({ optional: true, description: 'com.docker.network.endpoint.exposedports, com.docker.network.portmap' })
  Options?: Record<string, unknown> | null;
}

/** /NetworkDriver.CreateEndpoint reply: only fields Docker left empty (echoing one is an error in dockerd). */
export class CreateEndpointResponse {
  @WireObject(() => EndpointInterface, { optional: true }) Interface?: EndpointInterface;
}

/** Requests naming an endpoint: DeleteEndpoint, EndpointOperInfo, Leave, RevokeExternalConnectivity. */
export class EndpointRequest {
  @WireNetworkId() NetworkID!: string;
  @WireId() EndpointID!: string;
}

/** /NetworkDriver.ProgramExternalConnectivity request. */
export class ExternalConnectivityRequest extends EndpointRequest {
  @WireMap({ optional: true }) Options?: Record<string, unknown> | null;
}

/** /NetworkDriver.EndpointOperInfo reply: shown by `docker inspect`. */
export class EndpointOperInfoResponse {
  @WireMap({ description: 'LSP, MAC, addresses, veth names, OVS port, chassis' }) Value!: Record<string, unknown>;
}

/** /NetworkDriver.Join request. */
export class JoinRequest extends EndpointRequest {
  @WireString({
    pattern: /^\/\S+$/,
    patternMessage: 'an absolute path',
    description: 'Path of the container network namespace',
    example: '/var/run/docker/netns/9663d513bf67',
  })
  SandboxKey!: string;
  @WireMap({ optional: true }) Options?: Record<string, unknown> | null;
}

/** Names of the interface Docker moves into the sandbox and renames to DstPrefix + index. */
export class InterfaceName {
  @WireString({ description: 'The container end of the veth pair', example: 'ovc9f79172a592e' }) SrcName!: string;
  @WireString({ example: 'eth' }) DstPrefix!: string;
  @WireString({ optional: true, description: 'Exact name inside the sandbox; this driver leaves it out: DstPrefix + index' })
  DstName?: string;
}

/** A route Docker installs in the sandbox. */
export class StaticRoute {
  @WireCidr() Destination!: string;
  @WireInt({ description: '0 = next hop, 1 = connected' }) RouteType!: number;
  @WireIp({ optional: true, allowEmpty: true }) NextHop?: string;
}

/** /NetworkDriver.Join reply. */
export class JoinResponse {
  @WireObject(() => InterfaceName) InterfaceName!: InterfaceName;
  @WireIp({ optional: true, description: 'Plain IPv4 address (not CIDR)' }) Gateway?: string;
  @WireIp({ optional: true, description: 'Plain IPv6 address (not CIDR)', example: 'fd00::1' }) GatewayIPv6?: string;
  @WireList(() => StaticRoute, { optional: true }) StaticRoutes?: StaticRoute[];
  @WireBool({ optional: true }) DisableGatewayService?: boolean;
}
