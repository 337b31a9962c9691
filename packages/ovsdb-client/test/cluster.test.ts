import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ChangeBatch, OvsdbClient, OvsdbDisconnectedError, OvsdbOpError, OvsdbTimeoutError, op } from '../src';
import { OvsdbServer, cleanup, startCluster } from './helpers/ovsdb-server';
import { serverRows } from './helpers/compare';

describe('RAFT cluster', () => {
  let servers: OvsdbServer[] = [];
  let client: OvsdbClient;
  before(async () => {
    servers = await startCluster(3);
    client = new OvsdbClient({
      remotes: servers.map((s) => s.remote).join(','),
      database: 'OVN_Northbound',
      tables: { Address_Set: ['name'] },
      reconnectMinMs: 50,
      reconnectMaxMs: 300,
      requestTimeoutMs: 2000,
    }).start();
    await client.ready({ timeoutMs: 20000 });
  });
  after(async () => {
    await client?.close();
    await cleanup(...servers);
  });

  it('connects to the leader only', () => {
    assert.equal(client.server?.model, 'clustered');
    assert.equal(client.server?.leader, true);
    assert.ok(client.server?.sid);
  });

  it('keeps writing when the leader is killed mid-load, without duplicate rows', async () => {
    const total = 60;
    const batches: ChangeBatch[] = [];
    client.on('change', (b: ChangeBatch) => batches.push(b));
    let retries = 0;
    const oldLeader = servers.find((s) => s.remote === client.remote)!;
    for (let i = 0; i < total; i++) {
      if (i === total / 2) void oldLeader.stop();
      // A client-chosen UUID makes a retry after a lost reply safe: the server says "duplicate uuid".
      const uuid = randomUUID();
      for (;;) {
        try {
          await client.ready({ timeoutMs: 20000 });
          await client.transact([op.insert('Address_Set', { name: `as${i}` }, { uuid })]);
          break;
        } catch (err) {
          if (err instanceof OvsdbOpError && /duplicate uuid/.test(err.error)) break;
          if (!(err instanceof OvsdbDisconnectedError || err instanceof OvsdbTimeoutError)) throw err;
          retries++;
        }
      }
    }
    assert.ok(retries >= 0);
    assert.notEqual(client.remote, oldLeader.remote);
    assert.equal(client.server?.leader, true);
    const names = [...client.cache.table('Address_Set').values()].map((r) => r.name as string);
    assert.equal(names.length, total);
    assert.equal(new Set(names).size, total);
    const survivor = servers.find((s) => s.remote === client.remote)!;
    assert.equal(serverRows(survivor, client, 'Address_Set').size, total);
    // The resync after failover loses no row (monitor_cond_since resumes or the diff finds nothing gone).
    assert.deepEqual(
      batches.filter((b) => b.initial).flatMap((b) => b.changes.filter((c) => c.type === 'delete')),
      [],
    );
  });
});
