import { Injectable } from '@nestjs/common';
import { BadRequestError, DriverError } from '../../protocol/errors';
import type {
  AddressSpacesResponse,
  IpamCapabilitiesResponse,
  RequestAddressRequest,
  RequestAddressResponse,
  RequestPoolRequest,
  RequestPoolResponse,
} from '../../protocol/ipam.dto';
import { canonicalIp, contains, ipValue, parseSubnet } from '../../domain/address';
import { AddressPoolRepository } from '../ovn/address-pool.repository';
import { pickFree, usableBounds } from './address-picker';
import { formatPoolId, parsePoolId, poolKey, PoolRef, SPACE_NAME } from './pool-id';

export const LOCAL_SPACE = 'ovn-local';
export const GLOBAL_SPACE = 'ovn-global';
/** Options.RequestAddressType for the gateway (libnetwork/ipamapi: RequestAddressType, netlabel.Gateway). */
const GATEWAY_REQUEST = 'com.docker.network.gateway';

/**
 * IPAM verbs (libnetwork/docs/ipam.md) with state in NB, so every host sharing a pool sees the same
 * allocations and no `--ip-range` split is needed. Pools are keyed by (vrf or address space, subnet):
 * `--ipam-opt vrf=NAME` lets the same subnet live in two vrfs.
 */
@Injectable()
export class IpamService {
  constructor(private readonly pools: AddressPoolRepository) {}

  capabilities(): IpamCapabilitiesResponse {
    return { RequiresMACAddress: false, RequiresRequestReplay: false };
  }

  addressSpaces(): AddressSpacesResponse {
    return { LocalDefaultAddressSpace: LOCAL_SPACE, GlobalDefaultAddressSpace: GLOBAL_SPACE };
  }

  async requestPool(req: RequestPoolRequest): Promise<RequestPoolResponse> {
    if (!req.Pool)
      throw new BadRequestError(
        `an IPv${req.V6 ? 6 : 4} subnet is required: docker network create --subnet ...${req.V6 ? ' (one per family with --ipv6)' : ''} (this driver does not pick pools)`,
      );
    const subnet = parseSubnet(req.Pool);
    if ((subnet.family === 6) !== (req.V6 === true)) throw new BadRequestError(`pool ${req.Pool} is not an IPv${req.V6 ? 6 : 4} subnet`);
    const range = req.SubPool ? parseSubnet(req.SubPool) : undefined;
    if (range && (range.family !== subnet.family || range.first < subnet.first || range.last > subnet.last)) {
      throw new BadRequestError(`--ip-range ${req.SubPool} is not inside the subnet ${subnet.cidr}`);
    }
    // A range of only the network or broadcast address would make every container start fail later.
    const usable = usableBounds(subnet);
    if (range && (range.last < usable.first || range.first > usable.last)) {
      throw new BadRequestError(`--ip-range ${req.SubPool} holds no address a container may get in ${subnet.cidr}`);
    }
    const space = req.Options?.vrf ?? req.AddressSpace ?? LOCAL_SPACE;
    if (!SPACE_NAME.test(space)) throw new BadRequestError(`vrf/address space "${space}" must be 1-32 letters, digits, '.', '_' or '-'`);
    const ref: PoolRef = { space, subnet, range };
    await this.pools.acquirePool(poolKey(ref));
    return { PoolID: formatPoolId(ref), Pool: subnet.cidr, Data: {} };
  }

  async releasePool(poolId: string): Promise<void> {
    await this.pools.releasePool(poolKey(parsePoolId(poolId)));
  }

  async requestAddress(req: RequestAddressRequest): Promise<RequestAddressResponse> {
    const ref = parsePoolId(req.PoolID);
    const key = poolKey(ref);
    const wanted = req.Address ? this.inPool(ref, req.Address) : undefined;
    const ip =
      req.Options?.RequestAddressType === GATEWAY_REQUEST
        ? await this.pools.reserveGateway(
            key,
            (pool) => wanted ?? pool.gateway ?? pickFree(ref.subnet, undefined, pool) ?? this.exhausted({ ...ref, range: undefined }),
          )
        : await this.pools.allocate(key, (pool) => wanted ?? pickFree(ref.subnet, ref.range, pool) ?? this.exhausted(ref));
    return { Address: `${ip}/${ref.subnet.prefix}`, Data: {} };
  }

  async releaseAddress(poolId: string, address: string): Promise<void> {
    const ref = parsePoolId(poolId);
    await this.pools.release(poolKey(ref), this.inPool(ref, address));
  }

  private inPool(ref: PoolRef, address: string): string {
    let ip: string;
    try {
      ip = canonicalIp(address.split('/')[0]);
    } catch {
      throw new BadRequestError(`"${address}" is not an IP address`);
    }
    const bounds = usableBounds(ref.subnet);
    // Not parseSubnet(ip/32): a cache entry per address would push the pools' subnets out of its cache.
    const v = ipValue(ip);
    if (!contains(ref.subnet, ip) || v < bounds.first || v > bounds.last) {
      throw new BadRequestError(`address ${ip} is not a usable address of pool ${ref.subnet.cidr}`);
    }
    return ip;
  }

  private exhausted(ref: PoolRef): never {
    throw new DriverError(
      'POOL_EXHAUSTED',
      `no free address left in ${ref.range ? `range ${ref.range.cidr} of ` : ''}pool ${ref.subnet.cidr} (${ref.space})`,
    );
  }
}
