import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch, OvsdbCache, OvsdbClient, OvsdbTimeoutError, Row, acquireLock, namedUuid, op, waitForHypervisors } from '../src';
import { OvsdbServer, cleanup, startStandalone } from './helpers/ovsdb-server';
import { normalize, serverRows } from './helpers/compare';

function cacheRows(cache: OvsdbCache, table: string): Map<string, unknown> {
  return new Map([...cache.table(table)].map(([u, r]) => [u, normalize(r)]));
}

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe(OvsdbCache.name, () => {
  let server: OvsdbServer;
  let client: OvsdbClient;
  const batches: ChangeBatch[] = [];
  before(async () => {
    server = await startStandalone();
    client = new OvsdbClient({
      remotes: server.remote,
      database: 'OVN_Northbound',
      tables: { Logical_Switch: true, Logical_Switch_Port: true, NB_Global: true, Address_Set: ['name', 'addresses'] },
    });
    client.on('change', (b: ChangeBatch) => batches.push(b));
    client.start();
    await client.ready({ timeoutMs: 5000 });
  });
  after(async () => {
    await client?.close();
    await cleanup(server);
  });

  it('emits an initial batch and only monitors the selected columns', () => {
    assert.equal(batches[0]?.initial, true);
    assert.throws(() => client.cache.table('ACL'), /not monitored/);
  });

  it('equals the server after 150 random transactions', async () => {
    const rand = rng(42);
    const names: string[] = [];
    for (let i = 0; i < 150; i++) {
      const switches = [...client.cache.table('Logical_Switch').values()];
      const pick = switches[Math.floor(rand() * switches.length)];
      const r = rand();
      if (r < 0.35 || !pick) {
        const name = `ls${i}`;
        names.push(name);
        const ports = Array.from({ length: Math.floor(rand() * 3) }, (_, j) => j);
        await client.transact([
          op.insert('Logical_Switch', { name, ports: ports.map((j) => namedUuid(`p${j}`)), external_ids: { i: String(i) } }),
          ...ports.map((j) =>
            op.insert(
              'Logical_Switch_Port',
              { name: `${name}-p${j}`, addresses: rand() < 0.5 ? ['dynamic'] : [], tag_request: rand() < 0.5 ? j : undefined },
              { uuidName: `p${j}` },
            ),
          ),
        ]);
      } else if (r < 0.55) {
        await client.transact([op.delete('Logical_Switch', [['_uuid', '==', pick._uuid]])]);
      } else if (r < 0.75) {
        await client.transact([
          op.mutate(
            'Logical_Switch',
            [['_uuid', '==', pick._uuid]],
            [
              ['external_ids', 'insert', { [`k${i}`]: 'v' }],
              ['external_ids', 'delete', ['i']],
            ],
          ),
        ]);
      } else if (r < 0.9 && (pick.ports as string[]).length > 0) {
        const port = (pick.ports as string[])[0];
        await client.transact([
          op.update('Logical_Switch_Port', [['_uuid', '==', port]], {
            addresses: ['00:00:00:00:00:09'],
            tag_request: undefined,
            enabled: rand() < 0.5,
          }),
        ]);
      } else {
        await client.transact([
          op.update('Logical_Switch', [['_uuid', '==', pick._uuid]], {
            other_config: rand() < 0.5 ? {} : { x: String(i) },
            name: `${pick.name}-r`,
          }),
        ]);
      }
    }
    for (const table of ['Logical_Switch', 'Logical_Switch_Port'])
      assert.deepEqual(cacheRows(client.cache, table), serverRows(server, client, table), table);
    assert.ok(client.cache.table('Logical_Switch').size > 5);
  });

  it('maintains schema and client indexes on every update', async () => {
    client.cache.addIndex('Logical_Switch', 'by-owner', (r) => (r.external_ids as Record<string, string>).owner);
    const [a] = await client.transact([op.insert('Logical_Switch', { name: 'idx-a', external_ids: { owner: 'net1' } })]);
    await client.transact([op.insert('Logical_Switch', { name: 'idx-b', external_ids: { owner: 'net1' } })]);
    assert.equal(client.cache.lookup('Logical_Switch', 'by-owner', 'net1').length, 2);
    await client.transact([op.update('Logical_Switch', [['_uuid', '==', a.uuid]], { external_ids: { owner: 'net2' } })]);
    assert.deepEqual(
      client.cache.lookup('Logical_Switch', 'by-owner', 'net2').map((r) => r.name),
      ['idx-a'],
    );
    assert.deepEqual(
      client.cache.lookup('Logical_Switch', 'by-owner', 'net1').map((r) => r.name),
      ['idx-b'],
    );
    await client.transact([op.insert('Address_Set', { name: 'as1', addresses: ['10.0.0.1'] })]);
    assert.deepEqual(
      client.cache.lookup('Address_Set', 'name', 'as1').map((r) => r.addresses),
      [['10.0.0.1']],
    );
    assert.throws(() => client.cache.lookup('Logical_Switch', 'nope', 'x'), /no index/);
  });

  it('an index whose key function throws on a row leaves that row out of it, and the rest of the cache whole', async () => {
    const errors: string[] = [];
    client.cache.onIndexError = (table, index, _uuid, err) => errors.push(`${table}/${index}: ${(err as Error).message}`);
    client.cache.addIndex('Logical_Switch', 'by-number', (r) => {
      const n = (r.external_ids as Record<string, string>).number;
      return n === undefined ? undefined : String(BigInt(n));
    });
    await client.transact([
      op.insert('Logical_Switch', { name: 'num-good', external_ids: { number: '7' } }),
      op.insert('Logical_Switch', { name: 'num-bad', external_ids: { number: 'seven' } }),
    ]);
    assert.deepEqual(
      client.cache.lookup('Logical_Switch', 'by-number', '7').map((r) => r.name),
      ['num-good'],
    );
    const named = (name: string) => client.cache.rows('Logical_Switch').filter((r) => r.name === name);
    assert.equal(named('num-bad').length, 1);
    assert.match(errors.join('\n'), /^Logical_Switch\/by-number: .*seven/);
    await client.transact([
      op.delete('Logical_Switch', [['name', '==', 'num-good']]),
      op.delete('Logical_Switch', [['name', '==', 'num-bad']]),
    ]);
    assert.equal(named('num-bad').length, 0);
    client.cache.onIndexError = () => undefined;
  });

  it('finds a row under each key of a multi-key index, and only while it has that key', async () => {
    client.cache.addMultiIndex('Logical_Switch', 'by-tag', (r) =>
      Object.keys(r.external_ids as Record<string, string>).filter((k) => k.startsWith('tag:')),
    );
    const [a] = await client.transact([op.insert('Logical_Switch', { name: 'multi-a', external_ids: { 'tag:x': '1', 'tag:y': '1' } })]);
    await client.transact([op.insert('Logical_Switch', { name: 'multi-b', external_ids: { 'tag:y': '1' } })]);
    const names = (key: string) =>
      client.cache
        .lookup('Logical_Switch', 'by-tag', key)
        .map((r) => r.name)
        .sort();
    assert.deepEqual([names('tag:x'), names('tag:y')], [['multi-a'], ['multi-a', 'multi-b']]);
    await client.transact([op.mutate('Logical_Switch', [['_uuid', '==', a.uuid]], [['external_ids', 'delete', ['tag:x']]])]);
    assert.deepEqual([names('tag:x'), names('tag:y')], [[], ['multi-a', 'multi-b']]);
    await client.transact([op.delete('Logical_Switch', [['_uuid', '==', a.uuid]])]);
    assert.deepEqual(names('tag:y'), ['multi-b']);
  });

  it('turns rows written by ovn-nbctl into change events with old and new rows', async () => {
    const seen: ChangeBatch[] = [];
    const listener = (b: ChangeBatch): void => void seen.push(b);
    client.on('change', listener);
    const nbctl = (...args: string[]): string => server.run('ovn-nbctl', [`--db=${server.remote}`, ...args]);
    nbctl('ls-add', 'from-nbctl');
    const inserted = await client.waitFor(
      (c) =>
        c.lookup('Logical_Switch', 'by-owner', 'nbctl')[0] ?? [...c.table('Logical_Switch').values()].find((r) => r.name === 'from-nbctl'),
      { timeoutMs: 3000 },
    );
    nbctl('set', 'Logical_Switch', 'from-nbctl', 'external_ids:owner=nbctl');
    await client.waitFor((c) => c.lookup('Logical_Switch', 'by-owner', 'nbctl').length === 1, { timeoutMs: 3000 });
    nbctl('ls-del', 'from-nbctl');
    await client.waitFor((c) => !c.get('Logical_Switch', inserted._uuid), { timeoutMs: 3000 });
    client.off('change', listener);
    const changes = seen.flatMap((b) => b.changes).filter((c) => c.uuid === inserted._uuid);
    assert.deepEqual(
      changes.map((c) => c.type),
      ['insert', 'update', 'delete'],
    );
    assert.deepEqual((changes[1].old as Row).external_ids, {});
    assert.deepEqual((changes[1].new as Row).external_ids, { owner: 'nbctl' });
    assert.equal((changes[2].old as Row).name, 'from-nbctl');
  });

  it('waitFor times out with OvsdbTimeoutError', async () => {
    await assert.rejects(
      client.waitFor(() => false, { timeoutMs: 50 }),
      OvsdbTimeoutError,
    );
  });

  it('waitForHypervisors bumps nb_cfg and waits for hv_cfg', async () => {
    // ovn-nbctl (previous test) created the single NB_Global row (maxRows 1).
    const g = [...client.cache.table('NB_Global').values()][0] ?? { _uuid: (await client.transact([op.insert('NB_Global', {})]))[0].uuid };
    await client.transact([op.update('NB_Global', [], { nb_cfg: 0, hv_cfg: 0 })]);
    // Plays ovn-northd: copy nb_cfg to hv_cfg as chassis would acknowledge it.
    const northd = (b: ChangeBatch): void => {
      for (const c of b.changes) {
        if (c.table === 'NB_Global' && c.new && c.new.nb_cfg !== c.new.hv_cfg) {
          void client.transact([op.update('NB_Global', [['_uuid', '==', c.uuid]], { hv_cfg: c.new.nb_cfg })]).catch(() => undefined);
        }
      }
    };
    client.on('change', northd);
    assert.equal(await waitForHypervisors(client, { timeoutMs: 3000 }), 1);
    assert.equal(await waitForHypervisors(client, { timeoutMs: 3000 }), 2);
    client.off('change', northd);
    await assert.rejects(waitForHypervisors(client, { timeoutMs: 100 }), OvsdbTimeoutError);
    await client.transact([op.delete('NB_Global', [['_uuid', '==', g._uuid]])]);
  });

  it('acquireLock waits for a lock held by another client', async () => {
    const other = new OvsdbClient({ remotes: server.remote, database: 'OVN_Northbound', tables: {} }).start();
    await other.ready();
    const releaseOther = await acquireLock(other, 'leader_lock');
    let acquired = false;
    const mine = acquireLock(client, 'leader_lock', { timeoutMs: 3000 }).then((release) => ((acquired = true), release));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(acquired, false);
    await releaseOther();
    const release = await mine;
    assert.equal(acquired, true);
    await client.transact([op.assert('leader_lock')]);
    await release();
    await other.close();
  });
});
