import type { ChangeBatch, OvsdbCache } from 'ovsdb-client';
import type { PoolRecord } from './address-pool.repository';
import type { DhcpRow, NbTables } from './rows';
import { BITS_KEY, BLOCK_KEY, POOL_KEY, REFS_KEY, ROLE_KEY, subnetOfKey } from './ipam-rows';
import { GATEWAY_KEY, isOwned } from './ownership';
import { hexToBits, PoolBlocks } from './pool-blocks';
import { NB } from './tables';

/** A pool as the index holds it: its row (absent while only block rows arrived) and its blocks. */
export interface PoolState {
  key: string;
  row?: DhcpRow;
  blocks: PoolBlocks;
}

/**
 * The driver's IPAM pools, kept from the monitor's changes to DHCP_Options (each change costs O(log n)),
 * so that a verb never scans a pool.
 */
export class PoolIndex {
  private readonly pools = new Map<string, PoolState>();

  get(key: string): PoolState | undefined {
    const pool = this.pools.get(key);
    return pool?.row ? pool : undefined;
  }

  all(): PoolState[] {
    return [...this.pools.values()].filter((p) => p.row);
  }

  /** Follows one monitor batch; the (re)synchronizing one rebuilds the index from the cache. */
  apply(cache: OvsdbCache<NbTables>, batch: ChangeBatch<NbTables>): void {
    if (batch.initial) {
      this.pools.clear();
      for (const row of cache.table(NB.DHCP_Options).values()) this.add(row);
      return;
    }
    for (const c of batch.changes) {
      if (c.table !== NB.DHCP_Options) continue;
      if (c.old) this.remove(c.old);
      if (c.new) this.add(c.new);
    }
  }

  private add(row: DhcpRow): void {
    const key = ownedPoolKey(row);
    if (!key) return;
    let pool = this.pools.get(key);
    if (!pool) {
      try {
        pool = { key, blocks: new PoolBlocks(subnetOfKey(key)) };
      } catch {
        return;
      }
      this.pools.set(key, pool);
    }
    if (row.external_ids[ROLE_KEY] === 'pool') pool.row = row;
    else if (row.external_ids[ROLE_KEY] === 'block')
      pool.blocks.set(BigInt(row.external_ids[BLOCK_KEY]), row._uuid, hexToBits(row.external_ids[BITS_KEY]));
  }

  private remove(row: DhcpRow): void {
    const key = ownedPoolKey(row);
    const pool = key && this.pools.get(key);
    if (!pool) return;
    if (row.external_ids[ROLE_KEY] === 'pool' && pool.row?._uuid === row._uuid) pool.row = undefined;
    // Only the row it holds: one monitor update may carry another host's new row for the block before the
    // delete of the old one (a block emptied and taken again between two flushes), in any order.
    else if (row.external_ids[ROLE_KEY] === 'block') {
      const index = BigInt(row.external_ids[BLOCK_KEY]);
      if (pool.blocks.block(index)?.uuid === row._uuid) pool.blocks.remove(index);
    }
    if (!pool.row && pool.blocks.allocated === 0 && pool.blocks.empty) this.pools.delete(key);
  }
}

function ownedPoolKey(row: DhcpRow): string | undefined {
  if (!isOwned(row.external_ids)) return undefined;
  const key = row.external_ids[POOL_KEY];
  const role = row.external_ids[ROLE_KEY];
  if (!key || (role !== 'pool' && role !== 'block')) return undefined;
  if (role === 'block' && !/^\d+$/.test(row.external_ids[BLOCK_KEY] ?? '')) return undefined;
  return key;
}

/** What the service sees of a pool. */
export function poolRecord(pool: PoolState): PoolRecord {
  const ids = pool.row!.external_ids;
  return {
    key: pool.key,
    gateway: ids[GATEWAY_KEY],
    refs: Number(ids[REFS_KEY] ?? '0') || 0,
    allocated: pool.blocks.allocated,
    has: (v) => pool.blocks.has(v),
    lowestFree: (first, last) => pool.blocks.lowestFree(first, last),
  };
}
