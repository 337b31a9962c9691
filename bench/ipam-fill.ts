/**
 * B6: RequestAddress / ReleaseAddress through the plugin socket in an empty /16 and in one holding 50,000
 * allocations, what reaches the Southbound DB, and what ovn-northd spends per allocation.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ipText } from '../src/domain/address';
import { blockRow, subnetOfKey } from '../src/modules/ovn/ipam-rows';
import { BLOCK_SIZE } from '../src/modules/ovn/pool-blocks';
import type { DriverProcess } from '../test/harness/driver-process';
import { run, Stack, waitFor } from '../test/harness/stack';
import { BenchResult, now, row, stats } from './lib';

export interface B6Sizes {
  /** Addresses allocated in the /16 for the "loaded" figures. */
  allocated: number;
  /** Timed RequestAddress (and as many ReleaseAddress) per state. */
  samples: number;
  /** Allocations and port adds each followed by `ovn-nbctl --wait=sb sync`, for ovn-northd's CPU time. */
  northd: number;
}

const SPACE = 'bench6';
const SUBNET = '10.66.0.0/16';
const KEY = `${SPACE}|${SUBNET}`;

/** ovn-northd's user + system CPU time so far, in ms (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms). */
function northdCpuMs(stack: Stack): number {
  const pid = readFileSync(path.join(stack.dir, 'northd.pid'), 'utf8').trim();
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** SB rows in all, and those that carry anything of the driver's IPAM (its keys or the pool's addresses). */
async function sbRows(stack: Stack): Promise<{ total: number; ipam: number }> {
  // One JSON table per line.
  const out = await run('ovsdb-client', ['--format=json', 'dump', stack.sbRemote, 'OVN_Southbound']);
  const dump = out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { data: unknown[][] });
  const rows = dump.flatMap((t) => t.data.map((r) => JSON.stringify(r)));
  return { total: rows.length, ipam: rows.filter((r) => /docker-ovn:(pool|ipam|block|bits)|docker_ipam|"10\.66\./.test(r)).length };
}

/**
 * Marks addresses first+1 .. first+n allocated by writing the pool's block rows in one NB transaction, as
 * the driver writes them: n requests through the socket would take minutes and measure nothing more.
 */
async function seed(stack: Stack, n: number): Promise<void> {
  const subnet = subnetOfKey(KEY);
  const blocks = new Map<bigint, bigint>();
  for (let i = 1n; i <= BigInt(n); i++) blocks.set(i / BLOCK_SIZE, (blocks.get(i / BLOCK_SIZE) ?? 0n) | (1n << (i % BLOCK_SIZE)));
  const ops = [...blocks].map(([index, bits]) => {
    const r = blockRow(KEY, subnet, index, bits);
    return { op: 'insert', table: 'DHCP_Options', row: { cidr: r.cidr, external_ids: ['map', Object.entries(r.external_ids)] } };
  });
  // The block rows of the empty-pool phase are gone (every address was released), so these are all new.
  await run('ovsdb-client', ['transact', stack.nbRemote, JSON.stringify(['OVN_Northbound', ...ops])]);
}

export async function b6(stack: Stack, driver: DriverProcess, sizes: B6Sizes): Promise<Omit<BenchResult, 'seconds'>> {
  const post = async (verb: string, body: unknown) => {
    const r = await driver.post(verb, body);
    if (r.status !== 200) throw new Error(`${verb}: ${r.status} ${r.raw}`);
    return r.body as { Address?: string; PoolID?: string };
  };
  const { PoolID } = await post('/IpamDriver.RequestPool', { AddressSpace: SPACE, Pool: SUBNET, SubPool: '', Options: {}, V6: false });
  const request = () => post('/IpamDriver.RequestAddress', { PoolID, Address: '', Options: {} });
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = now();
    await fn();
    return now() - t0;
  };
  /** `samples` requests, then their releases, each timed. */
  const measure = async () => {
    const got: string[] = [];
    const req: number[] = [];
    const rel: number[] = [];
    for (let i = 0; i < sizes.samples; i++) req.push(await timed(async () => got.push((await request()).Address!.split('/')[0]!)));
    for (const ip of got) rel.push(await timed(() => post('/IpamDriver.ReleaseAddress', { PoolID, Address: ip })));
    return { req: stats(req), rel: stats(rel) };
  };
  try {
    await measure();
    const empty = await measure();
    await seed(stack, sizes.allocated);
    const lastSeeded = ipText(subnetOfKey(KEY).first + BigInt(sizes.allocated), 4);
    await waitFor(
      async () => (await driver.post('/IpamDriver.RequestAddress', { PoolID, Address: lastSeeded, Options: {} })).status === 409,
      {
        timeoutMs: 30_000,
        what: 'the driver to see the seeded allocations',
      },
    );
    const loaded = await measure();

    // ovn-northd per allocation, next to what it spends on the port every container start adds anyway.
    const perOp = async (op: (i: number) => Promise<unknown>) => {
      await stack.nbctl('--wait=sb', 'sync');
      const c0 = northdCpuMs(stack);
      for (let i = 0; i < sizes.northd; i++) {
        await op(i);
        await stack.nbctl('--wait=sb', 'sync');
      }
      return (northdCpuMs(stack) - c0) / sizes.northd;
    };
    const northdAlloc = await perOp(() => request());
    await stack.nbctl('ls-add', 'bench6-ls');
    const northdPort = await perOp((i) =>
      stack.nbctl(
        'lsp-add',
        'bench6-ls',
        `bench6-p${i}`,
        '--',
        'lsp-set-addresses',
        `bench6-p${i}`,
        `02:00:00:66:00:${(i % 256).toString(16).padStart(2, '0')} 10.67.0.${(i % 250) + 2}`,
      ),
    );
    await stack.nbctl('ls-del', 'bench6-ls');
    const sb = await sbRows(stack);

    const what = `${sizes.allocated.toLocaleString('en-US')} allocated in one /16`;
    const flat = { on: 'ratio' as const, op: '<=' as const, limit: 1.5, text: '≤ 1.5×' };
    return {
      id: 'B6',
      title: 'IPAM as the pool fills: RequestAddress / ReleaseAddress through the plugin socket, SB rows, ovn-northd CPU',
      rows: [
        row('B6.request.p50', `RequestAddress p50, ${what}`, 'ms', loaded.req.p50, empty.req.p50, 'empty pool', {
          target: flat,
          valueStats: loaded.req,
          baselineStats: empty.req,
        }),
        row('B6.release.p50', `ReleaseAddress p50, ${what}`, 'ms', loaded.rel.p50, empty.rel.p50, 'empty pool', {
          target: flat,
          valueStats: loaded.rel,
          baselineStats: empty.rel,
        }),
        row('B6.sb.rows', `SB rows holding IPAM state, ${what}`, 'rows', sb.ipam, sb.total, 'SB rows in all', {
          target: { on: 'value', op: '<=', limit: 0, text: 'none' },
        }),
        row(
          'B6.northd.cpu',
          'ovn-northd CPU per allocation',
          'ms',
          northdAlloc,
          northdPort,
          'per Logical_Switch_Port add (each container start)',
          {
            target: { on: 'ratio', op: '<=', limit: 1, text: '≤ 1×' },
          },
        ),
      ],
      details: { empty, loaded },
    };
  } finally {
    await post('/IpamDriver.ReleasePool', { PoolID }).catch(() => undefined);
  }
}
