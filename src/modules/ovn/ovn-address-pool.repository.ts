import { Injectable, Logger } from '@nestjs/common';
import { retryOnConflict, type ChangeBatch, type Op } from 'ovsdb-client';
import { ConflictError, DriverError } from '../../protocol/errors';
import { ipValue } from '../../domain/address';
import { AddressPoolRepository, PoolRecord } from './address-pool.repository';
import {
  BITS_KEY,
  blockRow,
  legacyPool,
  legacyPoolKeys,
  migrationOps,
  POOL_KEY,
  poolRowIds,
  REFS_KEY,
  subnetOfKey,
  waitAbsent,
  waitSameIds,
} from './ipam-rows';
import { OvsdbSessions, type NbClient } from './ovsdb-sessions';
import { nbOp, type DhcpRow, type NbTables } from './rows';
import { GATEWAY_KEY, OWNER, OWNER_KEY } from './ownership';
import { bitsToHex } from './pool-blocks';
import { PoolIndex, poolRecord, PoolState } from './pool-index';
import { NB } from './tables';

const byUuid = (uuid: string) => [['_uuid', '==', uuid] as const];

/**
 * IPAM pools as NB DHCP_Options rows (see ipam-rows.ts): one row per pool, one per block of 256 addresses
 * holding its bitmap. Every change is one small transaction on one block row whose `wait` (RFC 7047
 * §5.2.6) proves the bitmap it was computed from still holds, so two driver instances never hand out the
 * same address; a host's own requests on one pool are queued so that they do not collide with each other.
 */
@Injectable()
export class OvnAddressPoolRepository extends AddressPoolRepository {
  private readonly logger = new Logger(OvnAddressPoolRepository.name);
  private readonly index = new PoolIndex();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly sessions: OvsdbSessions) {
    super();
    const client = sessions.nbSession;
    client.on('change', (batch: ChangeBatch<NbTables>) => {
      this.index.apply(client.cache, batch);
      // Pools of the earlier Address_Set layout move to DHCP_Options once NB is in sync.
      if (batch.initial)
        for (const key of legacyPoolKeys(client.cache))
          this.migrate(client, key).catch((e: unknown) =>
            this.logger.warn(`pool ${key} stays in the Address_Set layout for now: ${String(e)}`),
          );
    });
  }

  async acquirePool(key: string): Promise<void> {
    await this.upgraded(key);
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const row = this.index.get(key)?.row;
        if (row) {
          await nb.transact([waitSameIds(row), this.setIds(row, { [REFS_KEY]: String(refs(row) + 1) })]);
          return;
        }
        await nb.transact([
          waitAbsent(key, 'pool'),
          nbOp.insert(NB.DHCP_Options, { cidr: subnetOfKey(key).cidr, external_ids: poolRowIds(key, 1) }),
        ]);
      },
      { client: this.sessions.nb(), attempts: 20 },
    );
  }

  async releasePool(key: string): Promise<void> {
    await this.upgraded(key);
    await retryOnConflict(
      async () => {
        const nb = this.sessions.nb();
        const row = this.index.get(key)?.row;
        if (!row) return;
        const left = refs(row) - 1;
        if (left > 0) {
          await nb.transact([waitSameIds(row), this.setIds(row, { [REFS_KEY]: String(left) })]);
          return;
        }
        // The pool row and all its blocks in one delete: a concurrent allocation's wait on the pool row fails.
        await nb.transact([
          waitSameIds(row),
          nbOp.delete(NB.DHCP_Options, [['external_ids', 'includes', { [OWNER_KEY]: OWNER, [POOL_KEY]: key }]]),
        ]);
      },
      { client: this.sessions.nb(), attempts: 20 },
    );
  }

  findPool(key: string): PoolRecord | undefined {
    this.sessions.nb();
    const pool = this.index.get(key);
    return pool && poolRecord(pool);
  }

  pools(): PoolRecord[] {
    return this.index.all().map(poolRecord);
  }

  allocate(key: string, pick: (pool: PoolRecord) => string): Promise<string> {
    return this.choose(key, pick, async (pool, ip) => this.take(pool, ip, []));
  }

  reserveGateway(key: string, pick: (pool: PoolRecord) => string): Promise<string> {
    return this.choose(key, pick, async (pool, ip) => {
      const row = pool.row!;
      const gateway = row.external_ids[GATEWAY_KEY];
      if (gateway === ip) return;
      if (gateway)
        throw new ConflictError(
          'POOL_GATEWAY_MISMATCH',
          `pool ${key} already has gateway ${gateway}; networks sharing a pool share its gateway`,
        );
      await this.take(pool, ip, [waitSameIds(row), this.setIds(row, { [GATEWAY_KEY]: ip })]);
    });
  }

  async release(key: string, ip: string): Promise<void> {
    await this.upgraded(key);
    await this.queued(key, () =>
      retryOnConflict(
        async () => {
          const pool = this.index.get(key);
          const v = ipValue(ip);
          if (!pool || !pool.blocks.has(v) || pool.row!.external_ids[GATEWAY_KEY] === ip) return;
          const index = pool.blocks.blockOf(v);
          const block = this.blockRow(pool, index);
          const bits = pool.blocks.block(index)!.bits & ~(1n << (v - pool.blocks.baseOf(index)));
          // An emptied block goes: NB holds rows only for blocks with allocations.
          const change =
            bits === 0n ? nbOp.delete(NB.DHCP_Options, byUuid(block._uuid)) : this.setIds(block, { [BITS_KEY]: bitsToHex(bits) });
          await this.sessions.nb().transact([waitSameIds(block), change]);
        },
        { client: this.sessions.nb(), attempts: 40 },
      ),
    );
  }

  /** Picks an address from the pool's current state and writes it, again while another host got there first. */
  private async choose(
    key: string,
    pick: (pool: PoolRecord) => string,
    write: (pool: PoolState, ip: string) => Promise<void>,
  ): Promise<string> {
    await this.upgraded(key);
    return this.queued(key, async () => {
      let chosen = '';
      await retryOnConflict(
        async () => {
          const pool = this.requirePool(key);
          chosen = pick(poolRecord(pool));
          await write(pool, chosen);
        },
        { client: this.sessions.nb(), attempts: 40 },
      );
      return chosen;
    });
  }

  /**
   * Sets `ip`'s bit in its block, creating the block row if it has none; `more` joins the transaction.
   * The pool row must still exist, so no block outlives its pool.
   */
  private async take(pool: PoolState, ip: string, more: Op[]): Promise<void> {
    const v = ipValue(ip);
    // dockerd reserves a network's --aux-address with the same request as a container's --ip (no option
    // tells them apart), so the same --aux-address on a second host sharing the pool lands here.
    if (pool.blocks.has(v))
      throw new ConflictError(
        'ADDRESS_IN_USE',
        `address ${ip} is already allocated in pool ${pool.key} (to a container, or as an --aux-address of a network on this pool, on any host sharing it: give an --aux-address on one of them only)`,
      );
    const index = pool.blocks.blockOf(v);
    const held = pool.blocks.block(index);
    const bits = (held?.bits ?? 0n) | (1n << (v - pool.blocks.baseOf(index)));
    const row = pool.row!;
    const write = held
      ? [waitSameIds(this.blockRow(pool, index)), this.setIds(this.blockRow(pool, index), { [BITS_KEY]: bitsToHex(bits) })]
      : [waitAbsent(pool.key, 'block', index), nbOp.insert(NB.DHCP_Options, blockRow(pool.key, pool.blocks.subnet, index, bits))];
    await this.sessions
      .nb()
      .transact([nbOp.wait(NB.DHCP_Options, byUuid(row._uuid), ['cidr'], '==', [{ cidr: row.cidr }], 0), ...write, ...more]);
  }

  /** Replaces some external_ids of a row whose ids a preceding wait pinned. */
  private setIds(row: DhcpRow, ids: Record<string, string>): Op {
    return nbOp.update(NB.DHCP_Options, byUuid(row._uuid), { external_ids: { ...row.external_ids, ...ids } });
  }

  private blockRow(pool: PoolState, index: bigint): DhcpRow {
    const uuid = pool.blocks.block(index)!.uuid;
    return this.sessions.nb().cache.get(NB.DHCP_Options, uuid)!;
  }

  private requirePool(key: string): PoolState {
    this.sessions.nb();
    const pool = this.index.get(key);
    if (!pool) throw new DriverError('POOL_NOT_FOUND', `pool ${key} is not known to this driver (was it released?)`);
    return pool;
  }

  /** A pool still in the earlier Address_Set layout is migrated before any verb touches it. */
  private async upgraded(key: string): Promise<void> {
    const nb = this.sessions.nb();
    if (legacyPool(nb.cache, key)) await this.migrate(nb, key);
  }

  private async migrate(nb: NbClient, key: string): Promise<void> {
    await retryOnConflict(
      async () => {
        const legacy = legacyPool(nb.cache, key);
        if (!legacy || this.index.get(key)) return;
        await nb.transact(migrationOps(legacy));
        this.logger.log(`pool ${key}: ${legacy.addresses.length} allocations moved from Address_Set ${legacy.name} to DHCP_Options rows`);
      },
      { client: nb, attempts: 20 },
    );
  }

  /** Runs this host's changes to one pool one after the other (they would only collide with each other). */
  private queued<T>(key: string, step: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(step, step);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => this.queues.get(key) === tail && this.queues.delete(key));
    return next;
  }
}

function refs(row: DhcpRow): number {
  return Number(row.external_ids[REFS_KEY] ?? '0') || 0;
}
