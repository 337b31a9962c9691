import { createHash } from 'node:crypto';
import type { Op, OvsdbCache } from 'ovsdb-client';
import { ipText, ipValue, parseSubnet, Subnet } from '../../domain/address';
import { GATEWAY_KEY, OWNER, OWNER_KEY, isOwned } from './ownership';
import { bitsToHex, BLOCK_SIZE } from './pool-blocks';
import { nbOp, type DhcpRow, type NbTables } from './rows';
import { NB } from './tables';

/**
 * The NB rows of an IPAM pool. DHCP_Options rows: ovn-northd copies none of them to the Southbound DB (it
 * only reads the ones a Logical_Switch_Port references, and this driver references none), so no
 * ovn-controller ever sees an allocation. One row per pool (its users and gateway), one per block of 256
 * addresses that has an allocation (its bitmap).
 */
export const POOL_KEY = 'docker-ovn:pool';
/** "pool" or "block". */
export const ROLE_KEY = 'docker-ovn:ipam';
export const REFS_KEY = 'docker-ovn:refs';
/** Block rows: the block's index in the pool (decimal) and its bitmap (bitsToHex). */
export const BLOCK_KEY = 'docker-ovn:block';
export const BITS_KEY = 'docker-ovn:bits';

/** The subnet a pool key ("space|cidr") names. */
export function subnetOfKey(key: string): Subnet {
  return parseSubnet(key.slice(key.indexOf('|') + 1));
}

export function poolRowIds(key: string, refs: number, gateway?: string): Record<string, string> {
  return {
    [OWNER_KEY]: OWNER,
    [POOL_KEY]: key,
    [ROLE_KEY]: 'pool',
    [REFS_KEY]: String(refs),
    ...(gateway ? { [GATEWAY_KEY]: gateway } : {}),
  };
}

/** A new block row: its cidr says which addresses it covers (readable in `ovn-nbctl list DHCP_Options`). */
export function blockRow(key: string, subnet: Subnet, index: bigint, bits: bigint): { cidr: string; external_ids: Record<string, string> } {
  const bitsPerAddress = subnet.family === 4 ? 32 : 128;
  const cidr =
    subnet.last - subnet.first + 1n <= BLOCK_SIZE
      ? subnet.cidr
      : `${ipText(subnet.first + index * BLOCK_SIZE, subnet.family)}/${bitsPerAddress - 8}`;
  return {
    cidr,
    external_ids: { [OWNER_KEY]: OWNER, [POOL_KEY]: key, [ROLE_KEY]: 'block', [BLOCK_KEY]: index.toString(), [BITS_KEY]: bitsToHex(bits) },
  };
}

/** Waits (RFC 7047 §5.2.6, timeout 0) that no row of the pool has this role (and block index). */
export function waitAbsent(key: string, role: 'pool' | 'block', index?: bigint): Op {
  const ids: Record<string, string> = {
    [POOL_KEY]: key,
    [ROLE_KEY]: role,
    ...(index === undefined ? {} : { [BLOCK_KEY]: index.toString() }),
  };
  return nbOp.wait(NB.DHCP_Options, [['external_ids', 'includes', ids]], ['cidr'], '==', [], 0);
}

/** Waits that the row still has exactly these external_ids: the state a change was computed from holds. */
export function waitSameIds(row: DhcpRow): Op {
  return nbOp.wait(NB.DHCP_Options, [['_uuid', '==', row._uuid]], ['external_ids'], '==', [{ external_ids: row.external_ids }], 0);
}

// ------------------------------------------------------------------------------------ legacy layout

/** The layout of earlier releases: one NB Address_Set per pool, `addresses` = every allocated address. */

export type LegacyPoolRow = Pick<NbTables[typeof NB.Address_Set], '_uuid' | 'name' | 'addresses' | 'external_ids'>;
type NbCache = OvsdbCache<NbTables>;

function legacyName(key: string): string {
  return `docker_ipam_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** The pool's Address_Set of the earlier layout, if NB still has one. */
export function legacyPool(cache: NbCache, key: string): LegacyPoolRow | undefined {
  const [row] = cache.lookup(NB.Address_Set, 'name', legacyName(key));
  return row && isOwned(row.external_ids) && row.external_ids[POOL_KEY] === key ? row : undefined;
}

/** Keys of every pool NB holds in the earlier layout. */
export function legacyPoolKeys(cache: NbCache): string[] {
  return cache
    .rows(NB.Address_Set)
    .filter((r) => isOwned(r.external_ids) && r.external_ids[POOL_KEY])
    .map((r) => r.external_ids[POOL_KEY]);
}

/**
 * One transaction turning an Address_Set pool into DHCP_Options rows: it holds only if the Address_Set
 * is unchanged and no other driver migrated the pool meanwhile, so two drivers starting together agree.
 */
export function migrationOps(row: LegacyPoolRow): Op[] {
  const key = row.external_ids[POOL_KEY];
  const subnet = subnetOfKey(key);
  const blocks = new Map<bigint, bigint>();
  for (const ip of row.addresses) {
    let v: bigint;
    try {
      v = ipValue(ip);
    } catch {
      continue;
    }
    if (v < subnet.first || v > subnet.last || ip.includes(':') !== (subnet.family === 6)) continue;
    const index = (v - subnet.first) / BLOCK_SIZE;
    blocks.set(index, (blocks.get(index) ?? 0n) | (1n << (v - subnet.first - index * BLOCK_SIZE)));
  }
  const refs = Number(row.external_ids[REFS_KEY] ?? '1') || 1;
  return [
    nbOp.wait(
      NB.Address_Set,
      [['_uuid', '==', row._uuid]],
      ['addresses', 'external_ids'],
      '==',
      [{ addresses: row.addresses, external_ids: row.external_ids }],
      0,
    ),
    waitAbsent(key, 'pool'),
    nbOp.insert(NB.DHCP_Options, { cidr: subnet.cidr, external_ids: poolRowIds(key, refs, row.external_ids[GATEWAY_KEY]) }),
    ...[...blocks].map(([index, bits]) => nbOp.insert(NB.DHCP_Options, blockRow(key, subnet, index, bits))),
    nbOp.delete(NB.Address_Set, [['_uuid', '==', row._uuid]]),
  ];
}
