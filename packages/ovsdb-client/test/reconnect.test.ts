import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ChangeBatch, ClientState, JsonSplitter, OvsdbClient, OvsdbDisconnectedError, OvsdbTimeoutError, op, parseJson } from '../src';
import { OvsdbServer, cleanup, delay, startStandalone } from './helpers/ovsdb-server';
import { TestProxy } from './helpers/proxy';
import { normalize, serverRows } from './helpers/compare';

const TABLES = { Logical_Switch: true, Address_Set: true } as const;

interface RpcMessage {
  id?: unknown;
  method?: string;
  params?: unknown[];
  error?: unknown;
}

/** The JSON-RPC messages in a recorded byte stream (one direction, one connection). */
function messages(chunks: Buffer[]): RpcMessage[] {
  const splitter = new JsonSplitter();
  return chunks.flatMap((c) => splitter.push(c)).map((raw) => parseJson(raw.toString('utf8')) as RpcMessage);
}

describe(OvsdbClient.name, () => {
  let server: OvsdbServer;
  let proxy: TestProxy;
  const clients: OvsdbClient[] = [];
  const make = (remotes: string, extra: Partial<ConstructorParameters<typeof OvsdbClient>[0]> = {}): OvsdbClient => {
    const c = new OvsdbClient({ remotes, database: 'OVN_Northbound', tables: TABLES, reconnectMinMs: 50, reconnectMaxMs: 200, ...extra });
    clients.push(c);
    return c;
  };
  before(async () => {
    server = await startStandalone();
    proxy = await new TestProxy(server.sock).listen();
  });
  after(async () => {
    for (const c of clients) await c.close();
    await proxy?.close();
    await cleanup(server);
  });

  it('walks idle → connecting → ready → closed and rejects pending work on close', async () => {
    const c = make(server.remote);
    const states: ClientState[] = [c.state];
    c.on('state', (s: ClientState) => states.push(s));
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const pending = c.transact([op.wait('Logical_Switch', [['name', '==', 'never']], ['name'], '==', [{ name: 'never' }], 60000)]);
    const waiter = c.waitFor(() => false);
    await c.close();
    await assert.rejects(pending, OvsdbDisconnectedError);
    await assert.rejects(waiter, OvsdbDisconnectedError);
    assert.deepEqual(states, ['idle', 'connecting', 'ready', 'closed']);
  });

  it('reports each failed connection attempt with its remote and cause, and keeps trying the next remote', async () => {
    const missing = `unix:${server.sock}.missing`;
    const c = make(`${missing},${server.remote}`, { leaderOnly: false });
    const failed: [string, string][] = [];
    c.on('connectFailed', (remote: string, err: Error) => failed.push([remote, (err as NodeJS.ErrnoException).code ?? err.message]));
    c.start();
    await c.ready({ timeoutMs: 3000 });
    assert.deepEqual(failed, [[missing, 'ENOENT']]);
  });

  it('reconnects after the server is killed and restarted, resyncing without stale rows', async () => {
    const c = make(server.remote);
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const [keep, gone] = await c.transact([op.insert('Logical_Switch', { name: 'keep' }), op.insert('Logical_Switch', { name: 'gone' })]);
    const batches: ChangeBatch[] = [];
    c.on('change', (b: ChangeBatch) => batches.push(b));
    const states: ClientState[] = [];
    c.on('state', (s: ClientState) => states.push(s));
    await server.stop();
    await c.waitFor(() => c.state === 'reconnecting' || undefined, { timeoutMs: 3000 }).catch(() => undefined);
    await assert.rejects(c.transact([op.comment('x')]), OvsdbDisconnectedError);
    // Change the database while nobody serves it.
    execFileSync('ovsdb-tool', [
      'transact',
      server.db,
      JSON.stringify([
        'OVN_Northbound',
        { op: 'delete', table: 'Logical_Switch', where: [['name', '==', 'gone']] },
        { op: 'insert', table: 'Logical_Switch', row: { name: 'new' } },
        { op: 'update', table: 'Logical_Switch', where: [['name', '==', 'keep']], row: { other_config: ['map', [['x', 'y']]] } },
      ]),
    ]);
    assert.equal(c.cache.get('Logical_Switch', gone.uuid)?.name, 'gone', 'cache stays readable while reconnecting');
    await server.start();
    await c.waitFor((cache) => cache.get('Logical_Switch', gone.uuid) === undefined && c.state === 'ready', { timeoutMs: 5000 });
    assert.deepEqual(states.slice(0, 1), ['reconnecting']);
    assert.equal(states.at(-1), 'ready');
    const resync = batches.find((b) => b.initial)!;
    const summary = resync.changes.map((ch) => `${ch.type}:${(ch.new ?? ch.old)!.name}`).sort();
    assert.deepEqual(summary, ['delete:gone', 'insert:new', 'update:keep']);
    assert.deepEqual(c.cache.get('Logical_Switch', keep.uuid)?.other_config, { x: 'y' });
    assert.deepEqual(
      new Map([...c.cache.table('Logical_Switch')].map(([u, r]) => [u, normalize(r)])),
      serverRows(server, c, 'Logical_Switch'),
    );
    await c.transact([op.insert('Address_Set', { name: 'after-restart' })]);
  });

  it('works through a proxy that forwards one byte at a time', async () => {
    proxy.mode = 'bytewise';
    const c = make(proxy.remote);
    c.start();
    await c.ready({ timeoutMs: 20000 });
    const [r] = await c.transact([op.insert('Address_Set', { name: 'bytewise', addresses: ['héllo ☃'] })]);
    assert.deepEqual(c.cache.get('Address_Set', r.uuid)?.addresses, ['héllo ☃']);
    proxy.mode = 'pass';
    await c.close();
  });

  it('detects a stalled link with the inactivity probe and reconnects', async () => {
    proxy.mode = 'pass';
    const c = make(proxy.remote, { probeIntervalMs: 150 });
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const states: ClientState[] = [];
    c.on('state', (s: ClientState) => states.push(s));
    proxy.mode = 'stall';
    const t0 = Date.now();
    await c.waitFor(() => states.includes('reconnecting') || undefined, { timeoutMs: 3000 });
    assert.ok(Date.now() - t0 < 2000, `detected after ${Date.now() - t0} ms`);
    proxy.mode = 'pass';
    await c.ready({ timeoutMs: 3000 });
    await c.transact([op.insert('Address_Set', { name: 'after-stall' })]);
    assert.equal(c.cache.lookup('Address_Set', 'name', 'after-stall').length, 1);
  });

  it('loads a dump that takes longer than the request timeout on a slow link, and keeps the link', async () => {
    const seed = make(server.remote);
    seed.start();
    await seed.ready({ timeoutMs: 3000 });
    const names = Array.from({ length: 300 }, (_, i) => `slow-link-${i}-${'x'.repeat(60)}`);
    await seed.transact(names.map((name) => op.insert('Address_Set', { name })));
    proxy.mode = 'trickle';
    // About 40 KB at 512 bytes per 20 ms: well over a second of steady bytes against a 300 ms timeout.
    const c = make(proxy.remote, { requestTimeoutMs: 300, probeIntervalMs: 300 });
    const failures: string[] = [];
    c.on('connectFailed', (_remote: string, err: Error) => failures.push(err.message));
    c.start();
    const t0 = Date.now();
    await c.ready({ timeoutMs: 20000 });
    assert.ok(Date.now() - t0 > 300, `the dump took ${Date.now() - t0} ms: the link was not slow`);
    assert.deepEqual(failures, []);
    for (const name of names) assert.equal(c.cache.lookup('Address_Set', 'name', name).length, 1, name);
    // An update as large, arriving as slowly, does not drop the link either.
    const states: ClientState[] = [];
    c.on('state', (st: ClientState) => states.push(st));
    await seed.transact(names.map((name) => op.update('Address_Set', [['name', '==', name]], { addresses: ['10.0.0.1'] })));
    await c.waitFor(
      () => names.every((n) => (c.cache.lookup('Address_Set', 'name', n)[0]?.addresses as string[] | undefined)?.length === 1) || undefined,
      {
        timeoutMs: 20000,
      },
    );
    assert.deepEqual(states, []);
    proxy.mode = 'pass';
    await seed.transact(names.map((name) => op.delete('Address_Set', [['name', '==', name]])));
    await c.close();
    await seed.close();
  });

  it('an update the cache cannot apply resynchronizes it in full, and the transaction id does not move past it', async () => {
    const c = make(server.remote);
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const [r] = await c.transact([op.insert('Address_Set', { name: 'lost-row' })]);
    // The cache loses the row behind the server's back: the next modify of it cannot be applied.
    (c.cache.table('Address_Set') as Map<string, unknown>).delete(r.uuid);
    const states: ClientState[] = [];
    c.on('state', (st: ClientState) => states.push(st));
    // ovsdb-server sends the update before the reply, so the reply is lost with the connection.
    await assert.rejects(
      c.transact([op.update('Address_Set', [['name', '==', 'lost-row']], { addresses: ['10.9.9.9'] })]),
      OvsdbDisconnectedError,
    );
    const row = await c.waitFor((cache) => cache.get('Address_Set', r.uuid), { timeoutMs: 5000 });
    assert.deepEqual(row.addresses, ['10.9.9.9']);
    assert.ok(states.includes('reconnecting'), `states: ${states.join(', ')}`);
    await c.transact([op.delete('Address_Set', [['name', '==', 'lost-row']])]);
  });

  it('a change listener that throws keeps the batch from no other listener', async () => {
    const c = make(server.remote);
    c.on('change', () => {
      throw new Error('listener bug');
    });
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const seen = c.waitFor((cache) => cache.lookup('Address_Set', 'name', 'after-throw')[0], { timeoutMs: 3000 });
    await c.transact([op.insert('Address_Set', { name: 'after-throw' })]);
    assert.equal((await seen).name, 'after-throw');
    await c.transact([op.delete('Address_Set', [['name', '==', 'after-throw']])]);
  });

  it('a request timeout rejects with OvsdbTimeoutError and the connection stays usable', async () => {
    const c = make(server.remote);
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const err = await c
      .transact([op.wait('Address_Set', [['name', '==', 'nope']], ['name'], '==', [{ name: 'nope' }], 10000)], { timeoutMs: 100 })
      .catch((e: unknown) => e);
    assert.equal((err as Error).name, 'OvsdbTimeoutError');
    // The connection stays usable.
    await c.transact([op.comment('still alive')]);
  });

  it("the caller's timeLeft bounds a transaction, and with none left it is refused unsent", async () => {
    let left = 150;
    const c = make(server.remote, { timeLeft: () => left });
    c.start();
    await c.ready({ timeoutMs: 3000 });
    const started = Date.now();
    // requestTimeoutMs is 5000 (the default): the caller's 150 ms win.
    await assert.rejects(
      c.transact([op.wait('Address_Set', [['name', '==', 'nope']], ['name'], '==', [{ name: 'nope' }], 10000)]),
      OvsdbTimeoutError,
    );
    assert.ok(Date.now() - started < 2000, `timed out after ${Date.now() - started} ms`);
    left = 0;
    await assert.rejects(c.transact([op.insert('Address_Set', { name: 'too-late' })]), /no time left/);
    left = Infinity;
    await c.transact([op.comment('still alive')]);
    assert.equal(c.cache.lookup('Address_Set', 'name', 'too-late').length, 0, 'nothing was sent');
  });

  it('on a request timeout, transact sends cancel as a notification for that id (RFC 7047 §4.1.4)', async () => {
    // A proxy of its own: one connection, so its recorded byte streams hold only this client's messages.
    const wire = await new TestProxy(server.sock).listen();
    const c = make(wire.remote, { probeIntervalMs: 0 });
    try {
      c.start();
      await c.ready({ timeoutMs: 3000 });
      const states: ClientState[] = [];
      c.on('state', (s: ClientState) => states.push(s));
      wire.record = true;
      // A wait the server cannot satisfy: left alone it would answer "timed out" after 600 ms.
      const wait = op.wait('Address_Set', [['name', '==', 'cancel-me']], ['name'], '==', [{ name: 'cancel-me' }], 600);
      await assert.rejects(c.transact([wait], { timeoutMs: 100 }), OvsdbTimeoutError);
      await delay(1000);
      const sent = messages(wire.toServer);
      const txn = sent.find((m) => m.method === 'transact' && JSON.stringify(m.params).includes('cancel-me'));
      assert.equal(typeof txn?.id, 'number');
      // Exactly one cancel, a notification (id null) naming the timed-out request's id.
      assert.deepEqual(
        sent.filter((m) => m.method === 'cancel'),
        [{ method: 'cancel', params: [txn!.id], id: null }],
      );
      // The server honoured it: no "timed out" reply at 600 ms. (ovsdb-server since 2.9 drops a cancelled
      // trigger silently; older ones answered "canceled".)
      const replies = messages(wire.toClient).filter((m) => m.id === txn!.id);
      assert.ok(
        replies.every((m) => m.error === 'canceled'),
        `unexpected reply ${JSON.stringify(replies)}`,
      );
      // The same connection keeps working (a late reply to the forgotten id would be ignored).
      const [r] = await c.transact([op.insert('Address_Set', { name: 'after-cancel' })]);
      assert.equal(c.cache.get('Address_Set', r.uuid)?.name, 'after-cancel');
      assert.deepEqual(states, [], 'no reconnect');
    } finally {
      await c.close();
      await wire.close();
    }
  });
});
