import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeBatch, OvsdbClient, OvsdbDisconnectedError, OvsdbOpError, OvsdbTimeoutError, op } from '../src';
import { OvsdbServer, cleanup, startCluster } from './helpers/ovsdb-server';
import { serverRows } from './helpers/compare';

/** A client of the cluster's NB at `remotes`, quick to reconnect. */
const clusterClient = (remotes: string) =>
  new OvsdbClient({
    remotes,
    database: 'OVN_Northbound',
    tables: { Address_Set: ['name'] },
    reconnectMinMs: 50,
    reconnectMaxMs: 300,
    requestTimeoutMs: 2000,
  });

describe('RAFT cluster', () => {
  let servers: OvsdbServer[] = [];
  let client: OvsdbClient;
  before(async () => {
    servers = await startCluster(3);
    client = clusterClient(servers.map((s) => s.remote).join(',')).start();
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

describe('a RAFT cluster made anew (a backup restored)', () => {
  it('is followed, though its index starts again below what the client saw', async () => {
    const first = await startCluster(1);
    let second: OvsdbServer[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'ovsdb-rebuilt-'));
    // The client's remote stays the same path; the cluster behind it is replaced.
    const sock = join(dir, 'nb.sock');
    symlinkSync(first[0]!.sock, sock);
    // History first, so the client sees a high index when it connects.
    const writer = clusterClient(`unix:${sock}`).start();
    const client = clusterClient(`unix:${sock}`);
    try {
      await writer.ready({ timeoutMs: 20000 });
      for (let i = 0; i < 20; i++) await writer.transact([op.insert('Address_Set', { name: `old-${i}` })]);
      await writer.close();
      client.start();
      await client.ready({ timeoutMs: 20000 });
      const seen = client.server!.index!;
      assert.ok(seen > 20n, `index ${seen}`);
      await cleanup(...first);
      second = await startCluster(1);
      rmSync(sock);
      symlinkSync(second[0]!.sock, sock);
      await client.waitFor((cache) => cache.lookup('Address_Set', 'name', 'old-0').length === 0 || undefined, { timeoutMs: 20000 });
      await client.ready({ timeoutMs: 20000 });
      assert.ok(client.server!.index! < seen, `index ${client.server?.index} against ${seen} before`);
      await client.transact([op.insert('Address_Set', { name: 'new-0' })]);
      assert.equal(client.cache.lookup('Address_Set', 'name', 'new-0').length, 1);
    } finally {
      await writer.close();
      await client.close();
      await cleanup(...first, ...second);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one remote, a member of a RAFT cluster', () => {
  it('is left when it loses its cluster, not read from and written to while stale', async () => {
    const servers = await startCluster(3);
    const role = (s: OvsdbServer) => /Role: (\w+)/.exec(s.run('ovs-appctl', ['-t', s.ctl, 'cluster/status', 'OVN_Northbound']))?.[1];
    const client = clusterClient(servers.find((s) => role(s) === 'follower')!.remote).start();
    try {
      await client.ready({ timeoutMs: 20000 });
      const states: string[] = [];
      client.on('state', (st: string) => states.push(st));
      // The other two go: the follower's elections fail and it reports itself disconnected (_Server).
      const member = servers.find((s) => s.remote === client.remote)!;
      await cleanup(...servers.filter((s) => s !== member));
      await client.waitFor(() => states.includes('reconnecting') || undefined, { timeoutMs: 20000 });
      assert.notEqual(client.state, 'ready');
    } finally {
      await client.close();
      await cleanup(...servers);
    }
  });
});
