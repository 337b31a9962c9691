import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeBatch, OvsdbCache } from 'ovsdb-client';
import { ipValue, parseSubnet } from '../../domain/address';
import { blockRow, poolRowIds } from './ipam-rows';
import { PoolIndex } from './pool-index';
import type { DhcpRow, NbTables } from './rows';
import { NB } from './tables';

const KEY = 'ovn|10.0.0.0/16';
const subnet = parseSubnet('10.0.0.0/16');
const cache = {} as OvsdbCache<NbTables>;

const poolRow: DhcpRow = { _uuid: 'pool', cidr: '10.0.0.0/16', external_ids: poolRowIds(KEY, 1) };
function block(uuid: string, index: bigint, bits: bigint): DhcpRow {
  return { _uuid: uuid, ...blockRow(KEY, subnet, index, bits) };
}
const batch = (...changes: { old?: DhcpRow; new?: DhcpRow }[]): ChangeBatch<NbTables> => ({
  initial: false,
  changes: changes.map((c) => ({
    table: NB.DHCP_Options,
    uuid: (c.new ?? c.old)!._uuid,
    type: c.old && c.new ? 'update' : c.new ? 'insert' : 'delete',
    ...c,
  })) as ChangeBatch<NbTables>['changes'],
});

describe(PoolIndex.name, () => {
  it("keeps a block's new row when one update carries it before the delete of the row it replaced", () => {
    const index = new PoolIndex();
    const first = ipValue('10.0.1.0');
    const old = block('u1', 1n, 1n);
    index.apply(cache, batch({ new: poolRow }, { new: old }));
    assert.equal(index.get(KEY)!.blocks.has(first), true);

    // Host X freed the block's last address (row u1 deleted), host Y took one in it (row u2 inserted);
    // a third host sees both in one update, the insert first.
    index.apply(cache, batch({ new: block('u2', 1n, 0b10n) }, { old }));
    const blocks = index.get(KEY)!.blocks;
    assert.equal(blocks.block(1n)?.uuid, 'u2');
    assert.equal(blocks.has(first + 1n), true, 'the address Y took is held');
    assert.equal(blocks.allocated, 1);

    // The other order leaves the same.
    const again = new PoolIndex();
    again.apply(cache, batch({ new: poolRow }, { new: old }));
    again.apply(cache, batch({ old }, { new: block('u2', 1n, 0b10n) }));
    assert.equal(again.get(KEY)!.blocks.block(1n)?.uuid, 'u2');
    assert.equal(again.get(KEY)!.blocks.allocated, 1);
  });

  it('follows an update of a block row and its delete', () => {
    const index = new PoolIndex();
    const b = block('u3', 2n, 0b1n);
    index.apply(cache, batch({ new: poolRow }, { new: b }));
    const grown = block('u3', 2n, 0b111n);
    index.apply(cache, batch({ old: b, new: grown }));
    assert.equal(index.get(KEY)!.blocks.allocated, 3);
    index.apply(cache, batch({ old: grown }));
    assert.equal(index.get(KEY)!.blocks.block(2n), undefined);
    assert.equal(index.get(KEY)!.blocks.allocated, 0);
  });
});
