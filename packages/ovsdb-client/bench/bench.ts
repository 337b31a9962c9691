/**
 * Throughput against a local ovsdb-server (npm run bench -w ovsdb-client). Not a test: prints a table.
 * Compares the client with a raw-socket request/response baseline and with `ovsdb-client transact`
 * subprocesses (one process per call, as shell-based drivers do).
 */
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import { OvsdbClient, op } from '../src';
import { cleanup, startStandalone } from '../test/helpers/ovsdb-server';

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function main(): Promise<void> {
  const server = await startStandalone();
  const client = new OvsdbClient({ remotes: server.remote, database: 'OVN_Northbound', tables: { Address_Set: ['name'] } }).start();
  await client.ready();
  const rows: [string, number, string][] = [];
  try {
    // Sequential one-op transactions.
    const n = 2000;
    const lat: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await client.transact([op.insert('Address_Set', { name: `seq${i}` })]);
      lat.push(performance.now() - t);
    }
    const seq = n / ((performance.now() - t0) / 1000);
    rows.push(['sequential txn/s', seq, `p50 ${percentile(lat, 0.5).toFixed(3)} ms, p99 ${percentile(lat, 0.99).toFixed(3)} ms`]);

    // Pipelined: 64 in flight.
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < n) await client.transact([op.insert('Address_Set', { name: `pipe${next++}` })]);
      }),
    );
    rows.push(['pipelined txn/s (64 in flight)', n / ((performance.now() - t0) / 1000), '']);

    // Batched: 100 inserts per transaction.
    t0 = performance.now();
    for (let b = 0; b < 50; b++)
      await client.transact(Array.from({ length: 100 }, (_, i) => op.insert('Address_Set', { name: `batch${b}-${i}` })));
    rows.push(['batched insert rows/s (100/txn)', 5000 / ((performance.now() - t0) / 1000), '']);

    // Raw socket baseline: the same sequential insert written by hand, no codec, no cache.
    const raw = await rawBaseline(server.sock, n);
    rows.push(['raw socket sequential txn/s', raw, 'baseline']);

    // One subprocess per transaction.
    const m = 100;
    t0 = performance.now();
    for (let i = 0; i < m; i++) {
      execFileSync('ovsdb-client', [
        'transact',
        server.remote,
        JSON.stringify(['OVN_Northbound', { op: 'insert', table: 'Address_Set', row: { name: `proc${i}` } }]),
      ]);
    }
    const proc = m / ((performance.now() - t0) / 1000);
    rows.push(['ovsdb-client transact processes txn/s', proc, '']);

    console.log('| measurement | value | notes |\n|---|---:|---|');
    for (const [k, v, note] of rows) console.log(`| ${k} | ${v.toFixed(0)} | ${note} |`);
    console.log(`\nclient/raw sequential: ${(seq / raw).toFixed(2)}x; client/subprocess: ${(seq / proc).toFixed(1)}x`);
    console.log(`cache rows: ${client.cache.table('Address_Set').size}`);
  } finally {
    await client.close();
    await cleanup(server);
  }
}

/** Sequential transact over a bare socket: write, wait for the reply's closing brace count, repeat. */
async function rawBaseline(path: string, n: number): Promise<number> {
  const sock = net.createConnection({ path });
  await new Promise((r) => sock.once('connect', r));
  let buf = '';
  let waiting: (() => void) | undefined;
  sock.on('data', (d) => {
    buf += d.toString();
    // Replies to our ids only; no monitors on this socket, so every message is a reply.
    if (waiting && buf.includes('"id":')) {
      try {
        JSON.parse(buf);
        buf = '';
        const w = waiting;
        waiting = undefined;
        w();
      } catch {
        /* incomplete */
      }
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const done = new Promise<void>((r) => (waiting = r));
    sock.write(
      JSON.stringify({
        id: i,
        method: 'transact',
        params: ['OVN_Northbound', { op: 'insert', table: 'Address_Set', row: { name: `raw${i}` } }],
      }),
    );
    await done;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  sock.destroy();
  return rate;
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
