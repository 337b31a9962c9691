import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { op, OvsdbClient } from 'ovsdb-client';
import { ConflictError, DriverError } from '../../protocol/errors';
import { AddressPoolRepository, PoolRecord } from './address-pool.repository';
import { optimistic } from './optimistic';
import { OvsdbSessions } from './ovsdb-sessions';
import { OWNER, OWNER_KEY, isOwned } from './ownership';

const AS = 'Address_Set';
const POOL_KEY = 'docker-ovn:pool';
const REFS_KEY = 'docker-ovn:refs';
const GATEWAY_KEY = 'docker-ovn:gateway';

interface AddressSetRow {
  _uuid: string;
  name: string;
  addresses: string[];
  external_ids: Record<string, string>;
}

/** Address_Set names must be valid in ACL match expressions ([A-Za-z_.][A-Za-z0-9_.]*). */
function setName(key: string): string {
  return `docker_ipam_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * IPAM pools as NB Address_Sets: `addresses` holds what is allocated, external_ids the pool, its users
 * and its gateway. Every change is one transaction whose `wait` (RFC 7047 §5.2.6) proves the state it
 * was computed from still holds, so two driver instances never hand out the same address.
 */
@Injectable()
export class OvnAddressPoolRepository extends AddressPoolRepository {
  constructor(private readonly sessions: OvsdbSessions) {
    super();
  }

  async acquirePool(key: string): Promise<void> {
    await optimistic(async () => {
      const nb = this.sessions.nb();
      const row = this.row(nb, key);
      if (row) {
        await nb.transact([this.sameIds(row), ...this.setRefs(row, refs(row) + 1)]);
        return;
      }
      await nb.transact([
        op.wait(AS, [['name', '==', setName(key)]], ['name'], '==', [], 0),
        op.insert(AS, { name: setName(key), addresses: [], external_ids: { [OWNER_KEY]: OWNER, [POOL_KEY]: key, [REFS_KEY]: '1' } }),
      ]);
    }, 20);
  }

  async releasePool(key: string): Promise<void> {
    await optimistic(async () => {
      const nb = this.sessions.nb();
      const row = this.row(nb, key);
      if (!row) return;
      const left = refs(row) - 1;
      if (left > 0) {
        await nb.transact([this.sameIds(row), ...this.setRefs(row, left)]);
        return;
      }
      await nb.transact([this.sameIds(row), op.delete(AS, [['_uuid', '==', row._uuid]])]);
    }, 20);
  }

  findPool(key: string): PoolRecord | undefined {
    const row = this.row(this.sessions.nb(), key);
    return row && record(row);
  }

  async allocate(key: string, pick: (pool: PoolRecord) => string): Promise<string> {
    let chosen = '';
    await optimistic(async () => {
      const nb = this.sessions.nb();
      const row = this.requireRow(nb, key);
      chosen = pick(record(row));
      await this.take(nb, row, chosen, []);
    }, 40);
    return chosen;
  }

  async reserveGateway(key: string, ip: string): Promise<void> {
    await optimistic(async () => {
      const nb = this.sessions.nb();
      const row = this.requireRow(nb, key);
      const gateway = row.external_ids[GATEWAY_KEY];
      if (gateway === ip) return;
      if (gateway) throw new ConflictError('POOL_GATEWAY_MISMATCH', `pool ${key} already has gateway ${gateway}; networks sharing a pool share its gateway`);
      await this.take(nb, row, ip, [op.mutate(AS, [['_uuid', '==', row._uuid]], [['external_ids', 'insert', { [GATEWAY_KEY]: ip }]])]);
    });
  }

  async release(key: string, ip: string): Promise<void> {
    const nb = this.sessions.nb();
    const row = this.row(nb, key);
    if (!row || !row.addresses.includes(ip) || row.external_ids[GATEWAY_KEY] === ip) return;
    await nb.transact([op.mutate(AS, [['_uuid', '==', row._uuid]], [['addresses', 'delete', [ip]]])]);
  }

  /** Inserts `ip` unless someone holds it: the wait selects the row only if it already has the address. */
  private async take(nb: OvsdbClient, row: AddressSetRow, ip: string, more: ReturnType<typeof op.mutate>[]): Promise<void> {
    if (row.addresses.includes(ip)) throw new ConflictError('ADDRESS_IN_USE', `address ${ip} is already allocated in pool ${row.external_ids[POOL_KEY]}`);
    const [, result] = await nb.transact([
      op.wait(AS, [['_uuid', '==', row._uuid], ['addresses', 'includes', [ip]]], ['name'], '==', [], 0),
      op.mutate(AS, [['_uuid', '==', row._uuid]], [['addresses', 'insert', [ip]]]),
      ...more,
    ]);
    if ((result as { count: number }).count !== 1) throw new DriverError('POOL_GONE', `pool ${row.external_ids[POOL_KEY]} was removed meanwhile`);
  }

  private sameIds(row: AddressSetRow) {
    return op.wait(AS, [['_uuid', '==', row._uuid]], ['external_ids'], '==', [{ external_ids: row.external_ids }], 0);
  }

  /** A map "insert" keeps an existing key's value (RFC 7047 §5.1), so the old count is deleted first. */
  private setRefs(row: AddressSetRow, n: number) {
    const where: [string, '==', string][] = [['_uuid', '==', row._uuid]];
    return [op.mutate(AS, where, [['external_ids', 'delete', [REFS_KEY]]]), op.mutate(AS, where, [['external_ids', 'insert', { [REFS_KEY]: String(n) }]])];
  }

  private row(nb: OvsdbClient, key: string): AddressSetRow | undefined {
    const [row] = nb.cache.lookup(AS, 'name', setName(key)) as unknown as AddressSetRow[];
    return row && isOwned(row.external_ids) && row.external_ids[POOL_KEY] === key ? row : undefined;
  }

  private requireRow(nb: OvsdbClient, key: string): AddressSetRow {
    const row = this.row(nb, key);
    if (!row) throw new DriverError('POOL_NOT_FOUND', `pool ${key} is not known to this driver (was it released?)`);
    return row;
  }
}

function refs(row: AddressSetRow): number {
  return Number(row.external_ids[REFS_KEY] ?? '0') || 0;
}

function record(row: AddressSetRow): PoolRecord {
  return {
    key: row.external_ids[POOL_KEY],
    uuid: row._uuid,
    taken: new Set(row.addresses),
    gateway: row.external_ids[GATEWAY_KEY],
    refs: refs(row),
  };
}
