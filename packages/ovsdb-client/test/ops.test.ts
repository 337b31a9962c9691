import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  OvsdbClient,
  OvsdbCommitError,
  OvsdbDisconnectedError,
  OvsdbOpError,
  OvsdbRpcError,
  namedUuid,
  op,
  withRetry,
  parseJson,
} from '../src';
import { OvsdbServer, cleanup, startStandalone } from './helpers/ovsdb-server';

describe('transact', () => {
  let server: OvsdbServer;
  let client: OvsdbClient;
  before(async () => {
    server = await startStandalone();
    client = new OvsdbClient({
      remotes: server.remote,
      database: 'OVN_Northbound',
      tables: { Logical_Switch: true, Logical_Switch_Port: true, NB_Global: true },
    }).start();
    await client.ready({ timeoutMs: 5000 });
  });
  after(async () => {
    await client?.close();
    await cleanup(server);
  });

  it('rejects at once before ready, never hangs', async () => {
    const idle = new OvsdbClient({ remotes: server.remote, database: 'OVN_Northbound' });
    await assert.rejects(idle.transact([op.comment('x')]), OvsdbDisconnectedError);
    await idle.close();
  });

  it('insert with named uuids, select, read-your-writes in the cache', async () => {
    const [ls, lsp] = await client.transact([
      op.insert('Logical_Switch', { name: 'sw0', ports: [namedUuid('p0')], external_ids: { owner: 'test' } }),
      op.insert('Logical_Switch_Port', { name: 'sw0-p0', addresses: ['00:00:00:00:00:01 10.0.0.2'] }, { uuidName: 'p0' }),
    ]);
    const row = client.cache.get('Logical_Switch', ls.uuid);
    assert.ok(row, 'row is in the cache when transact resolves');
    assert.deepEqual(row.ports, [lsp.uuid]);
    assert.deepEqual(row.external_ids, { owner: 'test' });
    assert.deepEqual(row.other_config, {});
    assert.equal(client.cache.get('Logical_Switch_Port', lsp.uuid)?.enabled, undefined);
    const [sel] = await client.transact([op.select('Logical_Switch', [['name', '==', 'sw0']], ['_uuid', 'name', 'ports'])]);
    assert.deepEqual(sel.rows, [{ _uuid: ls.uuid, name: 'sw0', ports: [lsp.uuid] }]);
    assert.deepEqual(
      client.cache.lookup('Logical_Switch_Port', 'name', 'sw0-p0').map((r) => r._uuid),
      [lsp.uuid],
    );
  });

  it('insert with a client-chosen uuid; a retry reports duplicate uuid', async () => {
    const uuid = randomUUID();
    const [r] = await client.transact([op.insert('Logical_Switch', { name: 'chosen' }, { uuid })]);
    assert.equal(r.uuid, uuid);
    const err = await client.transact([op.insert('Logical_Switch', { name: 'chosen' }, { uuid })]).catch((e: unknown) => e);
    assert.ok(err instanceof OvsdbOpError);
    assert.equal(err.index, 0);
    assert.match(err.error, /duplicate uuid/);
  });

  it('update: absent keys unchanged, [] / {} / undefined clear', async () => {
    // Address_Set and Logical_Router are root tables: unreferenced rows survive the commit.
    const [a, lr] = await client.transact([
      op.insert('Address_Set', { name: 'upd', addresses: ['10.0.0.1'], external_ids: { k: 'v' } }),
      op.insert('Logical_Router', { name: 'upd', enabled: true, options: { o: '1' } }),
    ]);
    const [u1, u2] = await client.transact([
      op.update('Address_Set', [['_uuid', '==', a.uuid]], { addresses: [], external_ids: {} }),
      op.update('Logical_Router', [['_uuid', '==', lr.uuid]], { enabled: undefined }),
    ]);
    assert.deepEqual([u1.count, u2.count], [1, 1]);
    const [sel] = await client.transact([
      op.select('Address_Set', [['_uuid', '==', a.uuid]]),
      op.select('Logical_Router', [['_uuid', '==', lr.uuid]]),
    ]);
    assert.deepEqual([sel.rows[0].name, sel.rows[0].addresses, sel.rows[0].external_ids], ['upd', [], {}]);
    const [, rsel] = await client.transact([
      op.comment('x'),
      op.select('Logical_Router', [['_uuid', '==', lr.uuid]], ['enabled', 'options', 'name']),
    ]);
    assert.deepEqual(rsel.rows, [{ _uuid: '', enabled: undefined, options: { o: '1' }, name: 'upd' }]);
  });

  it('mutate every mutator; delete counts', async () => {
    const [r] = await client.transact([op.insert('NB_Global', { nb_cfg: 10, external_ids: { a: '1', b: '2' } })]);
    const where = [['_uuid', '==', r.uuid]] as const;
    const results = await client.transact([
      op.mutate('NB_Global', where, [['nb_cfg', '+=', 5]]),
      op.mutate('NB_Global', where, [['nb_cfg', '*=', 3]]),
      op.mutate('NB_Global', where, [['nb_cfg', '-=', 1]]),
      op.mutate('NB_Global', where, [['nb_cfg', '/=', 2]]),
      op.mutate('NB_Global', where, [['nb_cfg', '%=', 8]]),
      op.mutate('NB_Global', where, [
        ['external_ids', 'insert', { c: '3' }],
        ['external_ids', 'delete', ['a']],
      ]),
    ]);
    assert.deepEqual(
      results.map((x) => x.count),
      [1, 1, 1, 1, 1, 1],
    );
    const row = client.cache.get('NB_Global', r.uuid)!;
    assert.equal(row.nb_cfg, ((((10 + 5) * 3 - 1) / 2) % 8) | 0);
    assert.deepEqual(row.external_ids, { b: '2', c: '3' });
    const [d] = await client.transact([op.delete('NB_Global', where)]);
    assert.equal(d.count, 1);
    assert.equal(client.cache.get('NB_Global', r.uuid), undefined);
  });

  it('int64 values round-trip exactly', async () => {
    const big = 9223372036854775807n;
    const [r] = await client.transact([op.insert('NB_Global', { nb_cfg: big, hv_cfg: -9223372036854775808n, sb_cfg: 9007199254740993n })]);
    const row = client.cache.get('NB_Global', r.uuid)!;
    assert.equal(row.nb_cfg, big);
    assert.equal(row.hv_cfg, -9223372036854775808n);
    assert.equal(row.sb_cfg, 9007199254740993n);
    const out = server.run('ovsdb-client', [
      'query',
      server.remote,
      JSON.stringify([
        'OVN_Northbound',
        { op: 'select', table: 'NB_Global', where: [['_uuid', '==', ['uuid', r.uuid]]], columns: ['nb_cfg', 'sb_cfg'] },
      ]),
    ]);
    assert.deepEqual((parseJson(out) as { rows: unknown[] }[])[0].rows, [{ nb_cfg: big, sb_cfg: 9007199254740993n }]);
    await client.transact([op.delete('NB_Global', [['_uuid', '==', r.uuid]])]);
  });

  it('wait, comment, assert (lock), and the failing op index', async () => {
    const [, , w] = await client.transact([
      op.comment('hello'),
      op.insert('Logical_Switch', { name: 'w' }),
      op.wait('Logical_Switch', [['name', '==', 'w']], ['name'], '==', [{ name: 'w' }], 0),
    ]);
    assert.deepEqual(w, {});
    const err = await client
      .transact([op.comment('a'), op.wait('Logical_Switch', [['name', '==', 'w']], ['name'], '!=', [{ name: 'w' }], 0)])
      .catch((e: unknown) => e);
    assert.ok(err instanceof OvsdbOpError);
    assert.deepEqual([err.index, err.error, err.op], [1, 'timed out', 'wait']);
    const notLocked = await client.transact([op.assert('my_lock')]).catch((e: unknown) => e);
    assert.ok(notLocked instanceof OvsdbOpError && notLocked.error === 'not owner', String(notLocked));
    assert.deepEqual(await client.lock('my_lock'), { locked: true });
    await client.transact([op.assert('my_lock')]);
    await client.unlock('my_lock');
  });

  it('commit-time errors become OvsdbCommitError; RPC errors OvsdbRpcError', async () => {
    // A strong reference to a row that does not exist fails referential integrity at commit.
    const bad = client.transact([op.insert('Logical_Switch', { name: 'x', ports: [randomUUID()] })]);
    await assert.rejects(bad, (e: unknown) => e instanceof OvsdbCommitError && /referential integrity/.test(e.error));
    const dup = client.transact([op.insert('Address_Set', { name: 'dup' }), op.insert('Address_Set', { name: 'dup' })]);
    await assert.rejects(dup, (e: unknown) => e instanceof OvsdbCommitError && e.error === 'constraint violation');
    await assert.rejects(
      client.request('transact', ['NoSuchDb']),
      (e: unknown) => e instanceof OvsdbRpcError && /unknown database/.test(e.message),
    );
    await assert.rejects(client.transact([op.insert('Logical_Switch', { name: 1 })]), TypeError);
  });

  it('raw methods: listDbs, getSchema, echo, getServerId, setDbChangeAware, monitor/monitorCancel', async () => {
    assert.ok((await client.listDbs()).includes('OVN_Northbound'));
    assert.equal((await client.getSchema()).name, 'OVN_Northbound');
    assert.deepEqual(await client.echo('a', 1), ['a', 1]);
    assert.match(await client.getServerId(), /^[0-9a-f-]{36}$/);
    await client.setDbChangeAware(true);
    const updates: unknown[] = [];
    const onNote = (method: string, params: unknown[]): void => {
      if (params[0] === 'mine') updates.push(method);
    };
    client.on('notification', onNote);
    await client.monitorCond('OVN_Northbound', 'mine', { Logical_Switch: [{ columns: ['name'] }] });
    const [found] = await client.monitorCondSince('OVN_Northbound', 'mine2', { Logical_Switch: [{ columns: ['name'] }] });
    assert.equal(found, false, 'standalone databases do not resume');
    await client.transact([op.insert('Logical_Switch', { name: 'raw' })]);
    assert.deepEqual(updates, ['update2']);
    await client.monitorCancel('mine');
    await client.monitorCancel('mine2');
    client.off('notification', onNote);
  });

  it('withRetry re-runs a transaction whose verify failed', async () => {
    const [r] = await client.transact([op.insert('Logical_Switch', { name: 'counter', other_config: { n: '0' } })]);
    let builds = 0;
    const other = new OvsdbClient({ remotes: server.remote, database: 'OVN_Northbound', tables: {} }).start();
    await other.ready();
    await withRetry(client, async (cache) => {
      builds++;
      const row = cache.get('Logical_Switch', r.uuid)!;
      const n = Number((row.other_config as Record<string, string>).n);
      // A concurrent writer changes the row between our read and our commit, once.
      if (builds === 1) await other.transact([op.update('Logical_Switch', [['_uuid', '==', r.uuid]], { other_config: { n: '100' } })]);
      return [
        op.verify('Logical_Switch', row, ['other_config']),
        op.update('Logical_Switch', [['_uuid', '==', r.uuid]], { other_config: { n: String(n + 1) } }),
      ];
    });
    await other.close();
    assert.equal(builds, 2);
    assert.deepEqual(client.cache.get('Logical_Switch', r.uuid)?.other_config, { n: '101' });
  });
});
