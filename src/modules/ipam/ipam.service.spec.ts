import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipValue } from '../../domain/address';
import { BadRequestError, ConflictError, DriverError } from '../../protocol/errors';
import { AddressPoolRepository, type PoolRecord } from '../ovn/address-pool.repository';
import { IpamService } from './ipam.service';

const GATEWAY = { RequestAddressType: 'com.docker.network.gateway' };

/**
 * Pools in memory, keeping the repository's contract: one gateway per pool, shared by every network on it;
 * an address is taken once; the gateway is never released by ReleaseAddress.
 */
class MemoryPools extends AddressPoolRepository {
  private readonly state = new Map<string, { refs: number; gateway?: string; taken: Set<bigint> }>();

  async acquirePool(key: string): Promise<void> {
    const pool = this.state.get(key) ?? { refs: 0, taken: new Set<bigint>() };
    pool.refs++;
    this.state.set(key, pool);
  }
  async releasePool(key: string): Promise<void> {
    const pool = this.state.get(key);
    if (pool && --pool.refs === 0) this.state.delete(key);
  }
  findPool(key: string): PoolRecord | undefined {
    const pool = this.state.get(key);
    if (!pool) return undefined;
    return {
      key,
      gateway: pool.gateway,
      refs: pool.refs,
      allocated: pool.taken.size,
      has: (v) => pool.taken.has(v),
      lowestFree: (first, last) => {
        for (let v = first; v <= last; v++) if (!pool.taken.has(v)) return v;
        return undefined;
      },
    };
  }
  pools(): PoolRecord[] {
    return [...this.state.keys()].map((k) => this.findPool(k)!);
  }
  async allocate(key: string, pick: (pool: PoolRecord) => string): Promise<string> {
    const ip = pick(this.require(key));
    this.take(key, ip);
    return ip;
  }
  async reserveGateway(key: string, pick: (pool: PoolRecord) => string): Promise<string> {
    const ip = pick(this.require(key));
    const pool = this.state.get(key)!;
    if (pool.gateway === ip) return ip;
    if (pool.gateway) throw new ConflictError('POOL_GATEWAY_MISMATCH', `pool ${key} already has gateway ${pool.gateway}`);
    this.take(key, ip);
    pool.gateway = ip;
    return ip;
  }
  async release(key: string, ip: string): Promise<void> {
    const pool = this.state.get(key);
    if (pool && pool.gateway !== ip) pool.taken.delete(ipValue(ip));
  }
  private require(key: string): PoolRecord {
    const pool = this.findPool(key);
    if (!pool) throw new DriverError('POOL_NOT_FOUND', `no pool ${key}`);
    return pool;
  }
  private take(key: string, ip: string): void {
    const taken = this.state.get(key)!.taken;
    if (taken.has(ipValue(ip))) throw new ConflictError('ADDRESS_IN_USE', `address ${ip} is already allocated`);
    taken.add(ipValue(ip));
  }
}

async function poolOf(ipam: IpamService, pool: string, subPool?: string): Promise<string> {
  return (await ipam.requestPool({ AddressSpace: 'ovn-local', Pool: pool, SubPool: subPool, Options: null, V6: false })).PoolID;
}

describe(IpamService.name, () => {
  it('refuses a pool request without a subnet, naming the family (--ipv6 without an IPv6 --subnet, Docker 27+)', async () => {
    const ipam = new IpamService(new MemoryPools());
    for (const [V6, family] of [
      [false, 'IPv4'],
      [true, 'IPv6'],
    ] as const) {
      await assert.rejects(
        ipam.requestPool({ AddressSpace: 'ovn-local', Pool: '', Options: null, V6 }),
        (e: Error) =>
          e instanceof BadRequestError && e.message.startsWith(`an ${family} subnet is required: docker network create --subnet`),
        family,
      );
    }
  });

  it('refuses an --ip-range that holds no address a container may get (only the network or broadcast address)', async () => {
    const ipam = new IpamService(new MemoryPools());
    for (const [pool, range] of [
      ['10.8.0.0/24', '10.8.0.255/32'],
      ['10.8.0.0/24', '10.8.0.0/32'],
      ['fd00:8::/64', 'fd00:8::/128'],
    ]) {
      await assert.rejects(
        ipam.requestPool({ AddressSpace: 'ovn-local', Pool: pool, SubPool: range, Options: null, V6: pool!.includes(':') }),
        (e: Error) => e instanceof BadRequestError && /holds no address a container may get/.test(e.message),
        range,
      );
    }
    assert.ok(await poolOf(ipam, '10.8.0.0/24', '10.8.0.254/32'), 'the last usable address alone is a range');
  });

  describe('gateway', () => {
    it('is the first usable address, and containers never get it', async () => {
      const pools = new MemoryPools();
      const ipam = new IpamService(pools);
      const id = await poolOf(ipam, '10.1.0.0/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: GATEWAY })).Address, '10.1.0.1/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: null })).Address, '10.1.0.2/24');
      assert.equal(pools.pools()[0]!.gateway, '10.1.0.1');
    });

    it('is shared: a second network on the pool gets the same gateway, allocating nothing', async () => {
      const pools = new MemoryPools();
      const ipam = new IpamService(pools);
      const id = await poolOf(ipam, '10.2.0.0/24');
      await ipam.requestAddress({ PoolID: id, Address: '', Options: GATEWAY });
      await poolOf(ipam, '10.2.0.0/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: GATEWAY })).Address, '10.2.0.1/24');
      assert.equal(pools.pools()[0]!.allocated, 1);
    });

    it('takes the address --gateway names, and containers then start below it', async () => {
      const ipam = new IpamService(new MemoryPools());
      const id = await poolOf(ipam, '10.3.0.0/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '10.3.0.254', Options: GATEWAY })).Address, '10.3.0.254/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: null })).Address, '10.3.0.1/24');
    });

    it('refuses a second network whose --gateway differs from the pool gateway', async () => {
      const ipam = new IpamService(new MemoryPools());
      const id = await poolOf(ipam, '10.4.0.0/24');
      await ipam.requestAddress({ PoolID: id, Address: '', Options: GATEWAY });
      await assert.rejects(
        ipam.requestAddress({ PoolID: id, Address: '10.4.0.9', Options: GATEWAY }),
        (e: Error) => e instanceof ConflictError,
      );
    });

    it('comes from the whole subnet, not the --ip-range containers draw from', async () => {
      const ipam = new IpamService(new MemoryPools());
      const id = await poolOf(ipam, '10.5.0.0/24', '10.5.0.128/25');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: GATEWAY })).Address, '10.5.0.1/24');
      assert.equal((await ipam.requestAddress({ PoolID: id, Address: '', Options: null })).Address, '10.5.0.128/24');
    });

    it('refuses a --gateway outside the subnet, or its network or broadcast address', async () => {
      const ipam = new IpamService(new MemoryPools());
      const id = await poolOf(ipam, '10.6.0.0/24');
      for (const bad of ['10.7.0.1', '10.6.0.0', '10.6.0.255']) {
        await assert.rejects(
          ipam.requestAddress({ PoolID: id, Address: bad, Options: GATEWAY }),
          (e: Error) => e instanceof BadRequestError,
          bad,
        );
      }
    });
  });
});
