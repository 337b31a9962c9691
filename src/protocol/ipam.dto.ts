import { WireBool, WireCidr, WireIp, WireMap, WireString } from './wire.decorators';

/** /IpamDriver.GetCapabilities reply (libnetwork/ipams/remote/api). */
export class IpamCapabilitiesResponse {
  @WireBool() RequiresMACAddress!: boolean;
  @WireBool() RequiresRequestReplay!: boolean;
}

/** /IpamDriver.GetDefaultAddressSpaces reply. */
export class AddressSpacesResponse {
  @WireString() LocalDefaultAddressSpace!: string;
  @WireString() GlobalDefaultAddressSpace!: string;
}

/** /IpamDriver.RequestPool request. */
export class RequestPoolRequest {
  @WireString({ optional: true, description: 'Address space; pools are keyed by (vrf or address space, subnet)' }) AddressSpace?: string;
  @WireCidr({ optional: true, allowEmpty: true, description: '--subnet; required by this driver', example: '10.10.10.0/23' }) Pool?: string;
  @WireCidr({
    optional: true,
    allowEmpty: true,
    description: '--ip-range: allocate only from this part of the pool',
    example: '10.10.10.32/27',
  })
  SubPool?: string;
  @WireMap({ optional: true, description: '--ipam-opt; vrf=NAME keys the pool by vrf' }) Options?: Record<string, string> | null;
  @WireBool({ optional: true }) V6?: boolean;
}

/** /IpamDriver.RequestPool reply. */
export class RequestPoolResponse {
  @WireString({ example: 'ovn|default|10.10.10.0/23|10.10.10.32/27' }) PoolID!: string;
  @WireCidr({ example: '10.10.10.0/23' }) Pool!: string;
  @WireMap({ optional: true }) Data?: Record<string, string>;
}

/** /IpamDriver.ReleasePool request. */
export class ReleasePoolRequest {
  @WireString({ description: 'A PoolID from RequestPool' }) PoolID!: string;
}

/** /IpamDriver.RequestAddress request. */
export class RequestAddressRequest {
  @WireString() PoolID!: string;
  @WireIp({ optional: true, allowEmpty: true, description: 'A plain IP (docker run --ip, --gateway) or "" for any' }) Address?: string;
  @WireMap({ optional: true, description: 'RequestAddressType=com.docker.network.gateway for the gateway' }) Options?: Record<
    string,
    string
  > | null;
}

/** /IpamDriver.RequestAddress reply. */
export class RequestAddressResponse {
  @WireCidr({ example: '10.10.10.34/23' }) Address!: string;
  @WireMap({ optional: true }) Data?: Record<string, string>;
}

/** /IpamDriver.ReleaseAddress request. */
export class ReleaseAddressRequest {
  @WireString() PoolID!: string;
  @WireIp({ description: 'A plain IP, as RequestAddress gave it without its prefix length' }) Address!: string;
}
