/**
 * `make bench`: benchmarks of the driver against baselines measured in the same run on the same machine.
 * Not tests: each prints a table; all of them land in bench/results.json. See docs/PERFORMANCE.md.
 *
 *   node dist/bench/bench.js [--smoke] [--only B1,B3] [--out FILE]
 *
 *   --smoke        tiny sizes, targets not judged (the bench-smoke test tier); also BENCH_SMOKE=1
 *   --only LIST    run only these benchmarks; also BENCH_ONLY
 *   --out FILE     where the JSON goes (default bench/results.json); also BENCH_OUT
 *   BENCH_DRIVER_ENV='{"K":"V"}'  extra environment for every driver the bench starts (A/B experiments)
 *   BENCH_CPU_PROF=DIR  drivers run under the CPU profiler (bench/cpu-prof-hook), profiles written to DIR
 *                       when they stop; summarise with node dist/bench/cpu-profile-summary.js DIR/*.cpuprofile
 *
 * It starts a private OVN + OVS stack and uses the machine's dockerd (B2, B5, B7): run it under
 * `flock /run/lock/docker-ovn-driver-stack.lock` as `make bench` does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { docker, DockerEngine, ensureDocker } from '../test/harness/docker';
import { DriverProcess, postUnix } from '../test/harness/driver-process';
import { repoRoot, run, Stack, waitFor } from '../test/harness/stack';
import { DriverNetwork, LifecycleSamples, VERBS } from './driver-lifecycle';
import { cleanup as dockerCleanup, concurrentRunsUntilPing, LABEL, networkCreate, parallelRuns, peer, runUntilPing } from './docker-runs';
import { settledRss, startBareServer, startDriver } from './driver-start';
import { BenchResult, dockerId, experimentEnv, judge, machine, now, percentile, row, Row, rssMB, stats, table } from './lib';
import { b6, B6Sizes } from './ipam-fill';
import { loadNb, settle, unloadNb, withOvnDaemonsStopped } from './nb-load';
import { FLOOR_STEPS, LifecycleFloor } from './lifecycle-floor';
import { SeedBaseline } from './seed-baseline';

const ALL = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8'] as const;
type BenchId = (typeof ALL)[number];

interface Sizes {
  warmup: number;
  b1: { off: number; on: number; seed: number; seedWait: number };
  /** B2 rounds with a new address each run, and with Docker's IPAM reusing the last one. */
  b2: { fresh: number; reused: number };
  b3: { switches: number; ports: number; lifecycles: number };
  b4: { switches: number; ports: number; starts: number };
  b5: { parallel: number; rounds: number };
  b6: B6Sizes;
  /** B7: concurrent `docker run` until the first ping, rounds per driver. */
  b7: { parallel: number; rounds: number };
  /** B8 lifecycles of each variant, interleaved. */
  b8: { lifecycles: number };
}

const FULL: Sizes = {
  warmup: 10,
  b1: { off: 300, on: 100, seed: 100, seedWait: 50 },
  b2: { fresh: 15, reused: 15 },
  b3: { switches: 1000, ports: 10, lifecycles: 200 },
  b4: { switches: 1000, ports: 10, starts: 5 },
  b5: { parallel: 50, rounds: 2 },
  b6: { allocated: 50_000, samples: 200, northd: 50 },
  b7: { parallel: 50, rounds: 2 },
  b8: { lifecycles: 200 },
};

const SMOKE: Sizes = {
  warmup: 1,
  b1: { off: 3, on: 2, seed: 2, seedWait: 1 },
  b2: { fresh: 1, reused: 0 },
  b3: { switches: 10, ports: 10, lifecycles: 3 },
  b4: { switches: 10, ports: 10, starts: 1 },
  b5: { parallel: 3, rounds: 1 },
  b6: { allocated: 600, samples: 5, northd: 20 },
  b7: { parallel: 3, rounds: 1 },
  b8: { lifecycles: 3 },
};

function parseArgs(argv: string[]): { smoke: boolean; only: BenchId[]; out: string } {
  let smoke = process.env.BENCH_SMOKE === '1';
  let only = process.env.BENCH_ONLY ?? '';
  let out = process.env.BENCH_OUT ?? path.join(repoRoot(), 'bench', 'results.json');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--smoke') smoke = true;
    else if (a === '--only') only = argv[++i] ?? '';
    else if (a === '--out') out = argv[++i] ?? out;
    else throw new Error(`unknown argument ${a} (use --smoke, --only B1,B2, --out FILE)`);
  }
  const ids = only ? only.split(',').map((s) => s.trim().toUpperCase()) : [...ALL];
  for (const id of ids) if (!ALL.includes(id as BenchId)) throw new Error(`unknown benchmark ${id}; known: ${ALL.join(', ')}`);
  return { smoke, only: ids as BenchId[], out: path.resolve(out) };
}

/** What the benchmarks share: one stack, the drivers on it, and dockerd when B2/B5 run. */
interface Context {
  smoke: boolean;
  sizes: Sizes;
  stack: Stack;
  /** Driver with the dataplane wait off (OVN_DRIVER_JOIN_TIMEOUT_MS=0). */
  off: DriverProcess;
  /** Driver with the dataplane wait on (the default, 10 s); dockerd's plugin in B2/B5. */
  on: DriverProcess;
  offNet: DriverNetwork;
  onNet: DriverNetwork;
}

function driverEnv(extra: Record<string, string>): Record<string, string> {
  return { OVN_DRIVER_RECONCILE_INTERVAL_S: '0', ...extra, ...experimentEnv() };
}

const ms = (xs: number[]) => stats(xs);
const mib = (x: number) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------------------------- B1

async function b1(ctx: Context): Promise<Omit<BenchResult, 'seconds'>> {
  const { sizes } = ctx;
  const seed = new SeedBaseline(ctx.stack, `bench-seed-${dockerId().slice(0, 8)}`);
  await seed.createNetwork('10.79.0.0/16', '10.79.0.1');
  let seedIp = 2;
  const seedEndpoint = () => {
    const n = seedIp++;
    return {
      endpointId: dockerId(),
      ip: `10.79.${Math.floor(n / 250)}.${(n % 250) + 2}`,
      mac: `02:00:0a:4f:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`,
      sandboxKey: `/var/run/docker/netns/seed${n}`,
    };
  };
  const off = new LifecycleSamples();
  const on = new LifecycleSamples();
  const paused = new LifecycleSamples();
  const centralElsewhere = new LifecycleSamples();
  const seedCentralElsewhere: number[] = [];
  const seedNoWait: number[] = [];
  const seedWait: number[] = [];
  // The host-side floor of any veth-based driver: create and delete one pair (two `ip` processes).
  const vethFloor: number[] = [];
  const timeVeth = async () => {
    const n = dockerId().slice(0, 10);
    const t0 = now();
    await run('ip', ['link', 'add', `bf${n}`, 'up', 'type', 'veth', 'peer', 'name', `bg${n}`]);
    await run('ip', ['link', 'del', `bf${n}`]);
    return now() - t0;
  };
  const timeSeed = async (wait: boolean) => {
    const t0 = now();
    await seed.lifecycle(seedEndpoint(), wait);
    return now() - t0;
  };
  // Interleaved, so that load from elsewhere on the machine falls on all variants alike. Before each
  // measured lifecycle ovn-northd and every ovn-controller catch up (`--wait=hv sync`, not timed): no
  // variant starts while the daemons still process the previous variant's changes. Each lifecycle is
  // timed as dockerd sees one container start and stop on a host at rest.
  const quiet = () => settle(ctx.stack);
  // One driver process per host, as in production: the other variant's driver is stopped meanwhile (an
  // idle driver still decodes every NB and OVS update, which on 2 vCPUs slows the measured one by ~30 %).
  const alone = async (stopped: DriverProcess, phase: () => Promise<void>) => {
    await stopped.stop();
    try {
      await phase();
    } finally {
      await stopped.spawn();
    }
  };
  // The same transactions and netlink requests, alone (bench/lifecycle-floor.ts), in a phase of their own
  // with no driver running: the floor's OVSDB sessions monitor the same tables as the driver, and a
  // process decoding every update while the driver is timed (or the other way round) slows the one timed.
  const floors: LifecycleFloor[] = [];
  const floorPhase = async () => {
    const floor = await LifecycleFloor.open(ctx.stack);
    floors.push(floor);
    try {
      for (let i = 0; i < sizes.warmup; i++) await floor.lifecycle();
      floor.reset();
      for (let i = 0; i < sizes.b1.off; i++) await quiet().then(() => floor.lifecycle());
    } finally {
      await floor.close().catch(() => undefined);
    }
  };
  try {
    await alone(ctx.on, async () => {
      for (let i = 0; i < sizes.warmup; i++) {
        await ctx.offNet.lifecycle();
        await timeSeed(false);
      }
      const rounds = Math.max(sizes.b1.off, sizes.b1.seed);
      for (let i = 0; i < rounds; i++) {
        if (i < sizes.b1.off) off.add(await quiet().then(() => ctx.offNet.lifecycle()));
        if (i < sizes.b1.seed) seedNoWait.push(await quiet().then(() => timeSeed(false)));
        if (i < sizes.b1.seed) vethFloor.push(await quiet().then(() => timeVeth()));
      }
      // Where the rest goes: the same lifecycle while ovn-northd and ovn-controller cannot run, so that
      // nothing on the machine works on its changes meanwhile (a diagnosis, not a way to run OVN).
      await withOvnDaemonsStopped(ctx.stack, async () => {
        for (let i = 0; i < sizes.b1.seed; i++) paused.add(await ctx.offNet.lifecycle());
      });
      // Only ovn-northd stopped: what its own work takes from a lifecycle. Not quite a chassis whose OVN
      // central runs elsewhere: without ovn-northd the port never reaches the Southbound DB, so ovn-controller
      // is spared binding it too. The seed's sequence is timed the same way, interleaved (like for like).
      await withOvnDaemonsStopped(
        ctx.stack,
        async () => {
          for (let i = 0; i < sizes.b1.seed; i++) {
            // No settle() here: `ovn-nbctl --wait=hv sync` needs ovn-northd.
            centralElsewhere.add(await ctx.offNet.lifecycle());
            seedCentralElsewhere.push(await timeSeed(false));
          }
        },
        ['northd'],
      );
    });
    await alone(ctx.off, async () => {
      for (let i = 0; i < sizes.warmup; i++) await ctx.onNet.lifecycle();
      const rounds = Math.max(sizes.b1.on, sizes.b1.seedWait);
      for (let i = 0; i < rounds; i++) {
        if (i < sizes.b1.on) on.add(await quiet().then(() => ctx.onNet.lifecycle()));
        if (i < sizes.b1.seedWait) seedWait.push(await quiet().then(() => timeSeed(true)));
      }
      await alone(ctx.on, floorPhase);
    });
  } finally {
    await seed.deleteNetwork().catch(() => undefined);
  }
  const floor = floors[0];
  if (!floor) throw new Error('B1: the floor phase did not run');
  const sFloor = ms(floor.total);
  const [sOff, sOn, sSeed, sSeedWait, sVeth, sPaused, sCentral, sSeedCentral] = [
    ms(off.total),
    ms(on.total),
    ms(seedNoWait),
    ms(seedWait),
    ms(vethFloor),
    ms(paused.total),
    ms(centralElsewhere.total),
    ms(seedCentralElsewhere),
  ];
  const seedWhat = 'seed sequence, 12 processes';
  const rows: Row[] = [
    row('B1.off.p50', 'lifecycle p50, dataplane wait off', 'ms', sOff.p50, sSeed.p50, seedWhat, {
      target: { on: 'speedup', op: '>=', limit: 15, text: '≥ 15× faster' },
      valueStats: sOff,
      baselineStats: sSeed,
    }),
    row('B1.off.p50.abs', 'lifecycle p50, dataplane wait off (absolute)', 'ms', sOff.p50, sSeed.p50, seedWhat, {
      target: { on: 'value', op: '<=', limit: 8, text: '≤ 8 ms' },
      show: 'speedup',
    }),
    row('B1.off.p99', 'lifecycle p99, dataplane wait off', 'ms', sOff.p99, sSeed.p99, `${seedWhat} p99`, { show: 'speedup' }),
    row(
      'B1.off.vs-veth',
      'lifecycle p50, dataplane wait off',
      'ms',
      sOff.p50,
      sVeth.p50,
      'host floor: `ip link add` + `ip link del` of one veth pair',
      {
        baselineStats: sVeth,
      },
    ),
    row(
      'B1.off.vs-floor',
      'lifecycle p50, dataplane wait off',
      'ms',
      sOff.p50,
      sFloor.p50,
      "floor: the lifecycle's OVSDB transactions and rtnetlink requests alone",
      {
        baselineStats: sFloor,
      },
    ),
    row(
      'B1.off.vs-paused',
      'lifecycle p50, dataplane wait off',
      'ms',
      sOff.p50,
      sPaused.p50,
      'the same with ovn-northd and ovn-controller stopped (SIGSTOP): no CPU taken by their work on its changes',
      { baselineStats: sPaused },
    ),
    row(
      'B1.off.central-elsewhere',
      'lifecycle p50, dataplane wait off, ovn-northd stopped (its work, and the binding it would hand ovn-controller, absent)',
      'ms',
      sCentral.p50,
      sSeedCentral.p50,
      `${seedWhat}, ovn-northd stopped too`,
      { valueStats: sCentral, baselineStats: sSeedCentral, show: 'speedup' },
    ),
    row('B1.on.p50', 'lifecycle p50, dataplane wait on', 'ms', sOn.p50, sSeed.p50, seedWhat, { valueStats: sOn, show: 'speedup' }),
    row(
      'B1.on.p50.vs-wait',
      'lifecycle p50, dataplane wait on',
      'ms',
      sOn.p50,
      sSeedWait.p50,
      'seed + ovs-vsctl wait-until ovn-installed, 13 processes',
      {
        baselineStats: sSeedWait,
        show: 'speedup',
      },
    ),
  ];
  const perVerb = (s: LifecycleSamples) => Object.fromEntries(VERBS.map((v) => [v, ms(s.verbs[v])]));
  return {
    id: 'B1',
    title: 'endpoint lifecycle (CreateEndpoint, Join, Leave, DeleteEndpoint) through the plugin socket',
    rows,
    details: {
      waitOff: { total: sOff, perVerb: perVerb(off) },
      daemonsStopped: { total: sPaused, perVerb: perVerb(paused) },
      centralElsewhere: { total: sCentral, perVerb: perVerb(centralElsewhere), seed: sSeedCentral },
      waitOn: { total: sOn, perVerb: perVerb(on) },
      seed: sSeed,
      seedWait: sSeedWait,
      vethFloor: sVeth,
      floor: { total: sFloor, perStep: Object.fromEntries(FLOOR_STEPS.map((k) => [k, ms(floor.steps[k])])) },
    },
  };
}

// ---------------------------------------------------------------------------------------------- B3

async function b3(ctx: Context): Promise<Omit<BenchResult, 'seconds'>> {
  const { switches, ports, lifecycles } = ctx.sizes.b3;
  const measure = async () => {
    const s = new LifecycleSamples();
    for (let i = 0; i < ctx.sizes.warmup; i++) await ctx.offNet.lifecycle();
    for (let i = 0; i < lifecycles; i++) s.add(await ctx.offNet.lifecycle());
    return s;
  };
  const empty = await measure();
  const loaded = await loadNb(ctx.stack, { switches, portsPerSwitch: ports, kind: 'foreign' });
  const settleSec = await settle(ctx.stack);
  const full = await measure();
  const rss = rssMB(driverPid(ctx.off));
  await unloadNb(ctx.stack, loaded);
  await settle(ctx.stack);
  const [sEmpty, sFull] = [ms(empty.total), ms(full.total)];
  const perVerb = (s: LifecycleSamples) => Object.fromEntries(VERBS.map((v) => [v, ms(s.verbs[v]).p50]));
  const what = `${loaded.ports} LSPs on ${switches} switches`;
  return {
    id: 'B3',
    title: `lifecycle with ${what} already in NB (foreign rows), dataplane wait off`,
    rows: [
      row('B3.p50', `lifecycle p50, ${what}`, 'ms', sFull.p50, sEmpty.p50, 'empty NB', {
        target: { on: 'ratio', op: '<=', limit: 1.5, text: '≤ 1.5×' },
        valueStats: sFull,
        baselineStats: sEmpty,
      }),
      row('B3.p99', `lifecycle p99, ${what}`, 'ms', sFull.p99, sEmpty.p99, 'empty NB'),
    ],
    details: {
      perVerbP50: { empty: perVerb(empty), loaded: perVerb(full) },
      loadSeconds: loaded.seconds,
      northdSettleSeconds: settleSec,
      driverRssMBWithLoad: mib(rss.rss),
    },
  };
}

// ---------------------------------------------------------------------------------------------- B8

/** dockerd's CreateEndpoint options for an image exposing two TCP ports and one UDP port. */
const EXPOSED = {
  'com.docker.network.endpoint.exposedports': [
    { Proto: 6, Port: 80 },
    { Proto: 6, Port: 443 },
    { Proto: 17, Port: 53 },
  ],
};

/**
 * The price of ingress policy: the same lifecycle on a network with `-o ingress=exposed` (the port joins
 * the network's Port_Group and gets its allow ACL in its own transaction) and without, interleaved so
 * drift of the machine hits both alike.
 */
async function b8(ctx: Context): Promise<Omit<BenchResult, 'seconds'>> {
  const policyNet = new DriverNetwork(ctx.off, '10.76', { ingress: 'exposed' }, EXPOSED);
  await policyNet.create();
  const [plain, policy] = [new LifecycleSamples(), new LifecycleSamples()];
  try {
    for (let i = 0; i < ctx.sizes.warmup; i++) {
      await ctx.offNet.lifecycle();
      await policyNet.lifecycle();
    }
    for (let i = 0; i < ctx.sizes.b8.lifecycles; i++) {
      plain.add(await ctx.offNet.lifecycle());
      policy.add(await policyNet.lifecycle());
    }
  } finally {
    await policyNet.remove().catch(() => undefined);
  }
  const [sPlain, sPolicy] = [ms(plain.total), ms(policy.total)];
  const perVerb = (s: LifecycleSamples) => Object.fromEntries(VERBS.map((v) => [v, ms(s.verbs[v]).p50]));
  return {
    id: 'B8',
    title: 'lifecycle with ingress policy (-o ingress=exposed, three exposed ports) and without, dataplane wait off',
    rows: [
      row('B8.p50', 'lifecycle p50, ingress=exposed', 'ms', sPolicy.p50, sPlain.p50, 'ingress=open', {
        target: { on: 'ratio', op: '<=', limit: 1.2, text: '≤ 1.2×' },
        valueStats: sPolicy,
        baselineStats: sPlain,
      }),
      row('B8.p99', 'lifecycle p99, ingress=exposed', 'ms', sPolicy.p99, sPlain.p99, 'ingress=open'),
    ],
    details: { perVerbP50: { open: perVerb(plain), exposed: perVerb(policy) } },
  };
}

// ---------------------------------------------------------------------------------------------- B4

function driverPid(d: DriverProcess): number {
  // The harness keeps its ChildProcess private; read it rather than change the shared harness.
  const pid = (d as unknown as { child?: { pid?: number } }).child?.pid;
  if (!pid) throw new Error(`driver ${d.name} has no pid`);
  return pid;
}

async function b4(ctx: Context): Promise<Omit<BenchResult, 'seconds'>> {
  const { switches, ports, starts } = ctx.sizes.b4;
  const socket = `/run/docker/plugins/ovnbench${process.pid}.sock`;
  const bareSocket = path.join(os.tmpdir(), `bench-bare-${process.pid}.sock`);
  const settleMs = ctx.smoke ? 500 : 3000;

  // Start to ready, empty NB, interleaved with the bare server.
  const bare: { socket: number; rss: number }[] = [];
  const drv: { socket: number; ready: number; rss: number }[] = [];
  for (let i = 0; i < starts; i++) {
    const b = await startBareServer(bareSocket);
    bare.push({ socket: b.socketMs, rss: (await settledRss(b.pid, settleMs)).rss });
    await b.stop();
    const d = await startDriver(ctx.stack, socket);
    drv.push({ socket: d.socketMs, ready: d.readyMs, rss: (await settledRss(d.pid, settleMs)).rss });
    await d.stop();
  }
  const med = <T>(xs: T[], f: (x: T) => number) => percentile(xs.map(f), 0.5);
  const bareStart = med(bare, (x) => x.socket);
  const bareRss = med(bare, (x) => x.rss);
  const idleStart = med(drv, (x) => x.ready);
  const idleSocket = med(drv, (x) => x.socket);
  const idleRss = med(drv, (x) => x.rss);

  // A running driver whose cache fills with 10,000 endpoints (another host's, so nothing acts on them).
  const running = await startDriver(ctx.stack, socket);
  let loadedRss: { rss: number; hwm: number };
  let restart: { ready: number; socket: number; rss: number };
  let count = 0;
  const loaded = await loadNb(ctx.stack, { switches, portsPerSwitch: ports, kind: 'owned' });
  try {
    count = loaded.ports;
    const probe = { NetworkID: loaded.someEndpoint!.networkId, EndpointID: loaded.someEndpoint!.endpointId };
    await waitFor(async () => (await postUnix(socket, '/NetworkDriver.EndpointOperInfo', probe)).status === 200, {
      timeoutMs: 60_000,
      what: 'the driver to see the loaded endpoints',
    });
    loadedRss = await settledRss(running.pid, settleMs);
    await running.stop();
    // ovn-northd and ovn-controller digest the load first: the restart is timed on a quiet machine.
    await settle(ctx.stack);
    // A fresh start with them already in NB: start-to-ready includes the initial dump.
    const d = await startDriver(ctx.stack, socket);
    restart = { ready: d.readyMs, socket: d.socketMs, rss: (await settledRss(d.pid, settleMs)).rss };
    await d.stop();
  } finally {
    await running.stop();
    await unloadNb(ctx.stack, loaded);
    await settle(ctx.stack);
  }
  const what = `${count} endpoints`;
  return {
    id: 'B4',
    title: 'driver memory and start-to-ready',
    rows: [
      row('B4.rss.idle', 'RSS idle (empty NB)', 'MB', idleRss, bareRss, 'bare Node HTTP server'),
      row('B4.rss.loaded', `RSS with ${what} in its cache`, 'MB', loadedRss.rss, idleRss, 'driver idle', {
        target: { on: 'value', op: '<=', limit: 150, text: '≤ 150 MB' },
      }),
      row('B4.rss.restarted', `RSS started with ${what} in NB`, 'MB', restart.rss, idleRss, 'driver idle', {
        target: { on: 'value', op: '<=', limit: 150, text: '≤ 150 MB' },
      }),
      row('B4.start.socket', 'spawn → socket answers', 'ms', idleSocket, bareStart, 'bare Node HTTP server'),
      row('B4.start.ready', 'spawn → ready (OVSDB synced), empty NB', 'ms', idleStart, bareStart, 'bare Node HTTP server', {
        target: { on: 'value', op: '<=', limit: 1500, text: '≤ 1.5 s' },
      }),
      row('B4.start.ready.loaded', `spawn → ready, ${what} in NB`, 'ms', restart.ready, idleStart, 'driver, empty NB', {
        target: { on: 'value', op: '<=', limit: 1500, text: '≤ 1.5 s' },
      }),
    ],
    details: { starts: { bare, driver: drv }, loadedHwmMB: mib(loadedRss.hwm), loadSeconds: loaded.seconds },
  };
}

// ---------------------------------------------------------------------------------------------- B2, B5

interface DockerNets {
  ovn: string;
  bridge: string;
  /**
   * The same, `--internal`: dockerd attaches a container of a remote driver's network that has no gateway of
   * its own to docker_gwbridge too (libnetwork sandbox needDefaultGW), one more bridge endpoint per start;
   * internal networks get none, on either driver.
   */
  ovnInternal: string;
  bridgeInternal: string;
  /**
   * `--internal` too, in a vrf with a second network: the driver keeps each container's route to the other
   * subnet (SandboxRoutesService), the compose front/back shape.
   */
  ovnRouted: string;
  ovnRoutedOther: string;
}

async function dockerNets(ctx: Context): Promise<DockerNets> {
  const tag = dockerId().slice(0, 6);
  const nets = {
    ovn: `bench-ovn-${tag}`,
    bridge: `bench-bridge-${tag}`,
    ovnInternal: `bench-ovn-int-${tag}`,
    bridgeInternal: `bench-bridge-int-${tag}`,
    ovnRouted: `bench-ovn-vrf-${tag}`,
    ovnRoutedOther: `bench-ovn-vrf2-${tag}`,
  };
  await networkCreate(nets.ovn, ctx.on.name, '10.81.0.0/24');
  await networkCreate(nets.bridge, 'bridge', '10.82.0.0/24');
  await networkCreate(nets.ovnInternal, ctx.on.name, '10.83.0.0/24', '--internal');
  await networkCreate(nets.bridgeInternal, 'bridge', '10.84.0.0/24', '--internal');
  for (const [name, subnet] of [
    [nets.ovnRouted, '10.85.0.0/24'],
    [nets.ovnRoutedOther, '10.86.0.0/24'],
  ] as const)
    await networkCreate(name, ctx.on.name, subnet, '--internal', '-o', `vrf=bench-${tag}`);
  return nets;
}

async function b2(ctx: Context, nets: DockerNets): Promise<Omit<BenchResult, 'seconds'>> {
  const tag = dockerId().slice(0, 6);
  const peers = {
    ovn: await peer(nets.ovn, `bench-peer-ovn-${tag}`),
    bridge: await peer(nets.bridge, `bench-peer-bridge-${tag}`),
    ovnInternal: await peer(nets.ovnInternal, `bench-peer-ovn-int-${tag}`),
    bridgeInternal: await peer(nets.bridgeInternal, `bench-peer-bridge-int-${tag}`),
    ovnRouted: await peer(nets.ovnRouted, `bench-peer-ovn-vrf-${tag}`),
  };
  /** Each run's time to the first reply, its pings, and its time until the container's program ran (`up`). */
  type Samples = { ovn: number[]; bridge: number[]; ovnTries: number[]; bridgeTries: number[]; ovnUp: number[]; bridgeUp: number[] };
  const samples = (): Samples => ({ ovn: [], bridge: [], ovnTries: [], bridgeTries: [], ovnUp: [], bridgeUp: [] });
  const [fresh, reused, internal, routed] = [samples(), samples(), samples(), samples()];
  let run = 0;
  let host = 100;
  // Alternating, so that load from elsewhere falls on both drivers alike. Round -1 warms both paths up
  // (image, plugin connection; with Docker's IPAM: the address the next rounds get again) and is not counted.
  const rounds = async (
    n: number,
    into: Samples,
    address: () => { ovn: string[]; bridge: string[] },
    on: { ovn: string; bridge: string; ovnPeer: string; bridgePeer: string },
  ) => {
    for (let i = -1; i < n; i++) {
      const a = address();
      const b = await runUntilPing(on.bridge, `bench-b2-bridge-${tag}-${run}`, on.bridgePeer, a.bridge);
      const o = await runUntilPing(on.ovn, `bench-b2-ovn-${tag}-${run++}`, on.ovnPeer, a.ovn);
      if (i < 0) continue;
      into.bridge.push(b.ms);
      into.bridgeTries.push(b.tries);
      into.bridgeUp.push(b.upMs);
      into.ovn.push(o.ms);
      into.ovnTries.push(o.tries);
      into.ovnUp.push(o.upMs);
    }
  };
  const outside = { ovn: nets.ovn, bridge: nets.bridge, ovnPeer: peers.ovn, bridgePeer: peers.bridge };
  /** Each run a never-used address (--ip) in the two /24s whose first three octets are given. */
  const newAddress = (ovn: string, bridge: string) => () => {
    const h = host++;
    return { ovn: ['--ip', `${ovn}.${h}`], bridge: ['--ip', `${bridge}.${h}`] };
  };
  // New addresses: what the driver and OVN add to a container start.
  await rounds(ctx.sizes.b2.fresh, fresh, newAddress('10.81.0', '10.82.0'), outside);
  // Docker's IPAM: each run gets the address the previous container just gave back.
  await rounds(ctx.sizes.b2.reused, reused, () => ({ ovn: [], bridge: [] }), outside);
  // Internal networks on both drivers: no docker_gwbridge endpoint for the OVN container either.
  const bridgeInternal = { bridge: nets.bridgeInternal, bridgePeer: peers.bridgeInternal };
  await rounds(ctx.sizes.b2.fresh, internal, newAddress('10.83.0', '10.84.0'), {
    ovn: nets.ovnInternal,
    ovnPeer: peers.ovnInternal,
    ...bridgeInternal,
  });
  // A routed network (a vrf with two): the driver looks into each new container once dockerd has moved its
  // interface in, and adds the route to the other subnet.
  await rounds(ctx.sizes.b2.fresh, routed, newAddress('10.85.0', '10.84.0'), {
    ovn: nets.ovnRouted,
    ovnPeer: peers.ovnRouted,
    ...bridgeInternal,
  });
  const target = { on: 'ratio' as const, op: '<=' as const, limit: 1.05, text: '≤ 1.05×' };
  const rows: Row[] = [];
  const [fOvn, fBridge] = [ms(fresh.ovn), ms(fresh.bridge)];
  rows.push(
    row('B2.fresh.p50', 'docker run → first ping p50, OVN, new address each run', 'ms', fOvn.p50, fBridge.p50, 'bridge driver', {
      target,
      valueStats: fOvn,
      baselineStats: fBridge,
    }),
    row('B2.fresh.p90', 'docker run → first ping p90, OVN, new address each run', 'ms', fOvn.p90, fBridge.p90, 'bridge driver'),
    // Where the time goes: until the container's program runs (dockerd, the drivers, runc), and from there
    // until the first reply (the dataplane).
    row(
      'B2.fresh.up.p50',
      "docker run → the container's program runs, p50, OVN",
      'ms',
      ms(fresh.ovnUp).p50,
      ms(fresh.bridgeUp).p50,
      'bridge driver',
    ),
    row(
      'B2.fresh.ping.p50',
      "the container's program runs → first ping reply, p50, OVN",
      'ms',
      ms(fresh.ovn.map((t, i) => t - fresh.ovnUp[i]!)).p50,
      ms(fresh.bridge.map((t, i) => t - fresh.bridgeUp[i]!)).p50,
      'bridge driver',
    ),
  );
  if (reused.ovn.length > 0) {
    const [rOvn, rBridge] = [ms(reused.ovn), ms(reused.bridge)];
    rows.push(
      row(
        'B2.reused.p50',
        "docker run → first ping p50, OVN, Docker's IPAM (address reused)",
        'ms',
        rOvn.p50,
        rBridge.p50,
        'bridge driver',
        {
          target,
          valueStats: rOvn,
          baselineStats: rBridge,
          note: "the peer still has the previous container's MAC for the address (OVN answers the ARP request for it, so the peer never relearns)",
        },
      ),
    );
  }
  const [iOvn, iBridge] = [ms(internal.ovn), ms(internal.bridge)];
  rows.push(
    row(
      'B2.internal.p50',
      'docker run → first ping p50, OVN --internal (no docker_gwbridge), new address each run',
      'ms',
      iOvn.p50,
      iBridge.p50,
      'bridge driver --internal',
      {
        valueStats: iOvn,
        baselineStats: iBridge,
      },
    ),
    row(
      'B2.routed.p50',
      'docker run → first ping p50, OVN --internal in a vrf with a second network (routes kept in the container)',
      'ms',
      ms(routed.ovn).p50,
      ms(routed.bridge).p50,
      'bridge driver --internal',
      { valueStats: ms(routed.ovn), baselineStats: ms(routed.bridge) },
    ),
    row(
      'B2.gwbridge.p50',
      'docker run → first ping p50, OVN, new address each run',
      'ms',
      fOvn.p50,
      iOvn.p50,
      'OVN --internal: without the docker_gwbridge endpoint',
    ),
  );
  return {
    id: 'B2',
    title: '`docker run` until the first successful ping',
    rows,
    details: { fresh, reused, internal, routed },
  };
}

async function b5(ctx: Context, nets: DockerNets): Promise<Omit<BenchResult, 'seconds'>> {
  const { parallel, rounds } = ctx.sizes.b5;
  const tag = dockerId().slice(0, 6);
  const results: Record<'ovn' | 'bridge', Awaited<ReturnType<typeof parallelRuns>>[]> = { ovn: [], bridge: [] };
  for (let r = 0; r < rounds; r++) {
    results.bridge.push(await parallelRuns(nets.bridge, `bench-b5-bridge-${tag}-${r}`, parallel));
    results.ovn.push(await parallelRuns(nets.ovn, `bench-b5-ovn-${tag}-${r}`, parallel));
  }
  const wall = (k: 'ovn' | 'bridge') =>
    percentile(
      results[k].map((x) => x.wallMs),
      0.5,
    );
  const each = (k: 'ovn' | 'bridge') => ms(results[k].flatMap((x) => x.each));
  const removal = (k: 'ovn' | 'bridge') =>
    percentile(
      results[k].map((x) => x.removeMs),
      0.5,
    );
  const [eOvn, eBridge] = [each('ovn'), each('bridge')];
  return {
    id: 'B5',
    title: `${parallel} parallel \`docker run -d\``,
    rows: [
      row('B5.wall', `wall time of ${parallel} parallel runs, OVN network`, 'ms', wall('ovn'), wall('bridge'), 'bridge driver'),
      row('B5.each.p50', 'one run p50 (within the burst)', 'ms', eOvn.p50, eBridge.p50, 'bridge driver', {
        valueStats: eOvn,
        baselineStats: eBridge,
      }),
      row('B5.each.p99', 'one run p99 (within the burst)', 'ms', eOvn.p99, eBridge.p99, 'bridge driver'),
      row('B5.rm.wall', `wall time of ${parallel} parallel \`docker rm -f\``, 'ms', removal('ovn'), removal('bridge'), 'bridge driver'),
    ],
    details: { rounds: results },
  };
}

/**
 * B7: `parallel` concurrent `docker run`, each pinging a peer until the first reply, on each network in
 * turn: the time until the last container got its reply, and how many runs failed.
 */
async function b7(ctx: Context, nets: DockerNets): Promise<Omit<BenchResult, 'seconds'>> {
  const { parallel, rounds } = ctx.sizes.b7;
  const tag = dockerId().slice(0, 6);
  const peers = { ovn: await peer(nets.ovn, `bench-b7-peer-ovn-${tag}`), bridge: await peer(nets.bridge, `bench-b7-peer-bridge-${tag}`) };
  const results: Record<'ovn' | 'bridge', Awaited<ReturnType<typeof concurrentRunsUntilPing>>[]> = { ovn: [], bridge: [] };
  for (let r = 0; r < rounds; r++) {
    results.bridge.push(await concurrentRunsUntilPing(nets.bridge, `bench-b7-bridge-${tag}-${r}`, parallel, peers.bridge));
    results.ovn.push(await concurrentRunsUntilPing(nets.ovn, `bench-b7-ovn-${tag}-${r}`, parallel, peers.ovn));
  }
  const wall = (k: 'ovn' | 'bridge') =>
    percentile(
      results[k].map((x) => x.wallMs),
      0.5,
    );
  const failed = (k: 'ovn' | 'bridge') => results[k].reduce((n, x) => n + x.failed, 0);
  const each = (k: 'ovn' | 'bridge') => ms(results[k].flatMap((x) => x.each));
  const [eOvn, eBridge] = [each('ovn'), each('bridge')];
  const errors = [...results.ovn, ...results.bridge].flatMap((x) => (x.firstError ? [x.firstError] : []));
  return {
    id: 'B7',
    title: `${parallel} concurrent \`docker run\` until each one's first ping`,
    rows: [
      row(
        'B7.wall',
        `time until all ${parallel} pinged (median of ${rounds} rounds), OVN network`,
        'ms',
        wall('ovn'),
        wall('bridge'),
        'bridge driver',
        {
          target: { on: 'ratio', op: '<=', limit: 1.2, text: '≤ 1.2×' },
        },
      ),
      row('B7.each.p50', 'one run → first ping p50 (within the burst)', 'ms', eOvn.p50, eBridge.p50, 'bridge driver', {
        valueStats: eOvn,
        baselineStats: eBridge,
      }),
      row(
        'B7.failed',
        'failed runs, OVN network',
        'runs',
        failed('ovn'),
        parallel * rounds,
        `runs in all (bridge failed: ${failed('bridge')})`,
        {
          target: { on: 'value', op: '<=', limit: 0, text: 'none' },
          ...(errors.length ? { note: errors[0]!.slice(0, 300) } : {}),
        },
      ),
    ],
    details: { rounds: results },
  };
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sizes = args.smoke ? SMOKE : FULL;
  const want = new Set(args.only);
  const started = new Date().toISOString();
  const t0 = now();
  const results: Record<string, BenchResult> = {};
  const errors: Record<string, string> = {};
  const driverErrors: Record<string, string[]> = {};
  const info = await machine();
  console.log(`docker-ovn-driver benchmarks${args.smoke ? ' (smoke: tiny sizes, targets not judged)' : ''}: ${args.only.join(' ')}`);
  console.log(
    Object.entries(info)
      .map(([k, v]) => `${k}=${v}`)
      .join('  '),
  );

  const stack = await Stack.up();
  let engine: DockerEngine | undefined;
  const drivers: DriverProcess[] = [];
  // The stack's daemons detach, so Ctrl-C would leave them (and the userspace datapath's tap, which makes
  // the next stack in this namespace fail) without this.
  let stopped: Promise<void> | undefined;
  const teardown = () =>
    (stopped ??= (async () => {
      for (const d of drivers) await d.stop().catch(() => undefined);
      await stack.down().catch((e: unknown) => console.error(`stack down: ${String(e)}`));
      await engine?.stop().catch(() => undefined);
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the drivers, the stack and any dockerd this run started`);
    void teardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const record = async (id: BenchId, fn: () => Promise<Omit<BenchResult, 'seconds'>>) => {
    if (!want.has(id)) return;
    const t0 = now();
    try {
      const r = await fn();
      const done: BenchResult = { ...r, rows: r.rows.map((x) => judge(x, args.smoke)), seconds: (now() - t0) / 1000 };
      results[id] = done;
      console.log(`\n${table(done)}`);
    } catch (e) {
      errors[id] = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`\n${id} failed: ${errors[id]}`);
    }
  };
  try {
    const off = await DriverProcess.start({
      stack,
      name: `ovnbenchoff${process.pid}`,
      env: driverEnv({ OVN_DRIVER_JOIN_TIMEOUT_MS: '0' }),
    });
    drivers.push(off);
    const on = await DriverProcess.start({ stack, name: `ovnbenchon${process.pid}`, env: driverEnv({}) });
    drivers.push(on);
    const ctx: Context = {
      smoke: args.smoke,
      sizes,
      stack,
      off,
      on,
      offNet: new DriverNetwork(off, '10.77'),
      onNet: new DriverNetwork(on, '10.78'),
    };
    await ctx.offNet.create();
    await ctx.onNet.create();

    await record('B1', () => b1(ctx));
    await record('B3', () => b3(ctx));
    await record('B4', () => b4(ctx));
    await record('B6', () => b6(stack, off, sizes.b6));
    await record('B8', () => b8(ctx));
    if (want.has('B2') || want.has('B5') || want.has('B7')) {
      engine = await ensureDocker();
      info.docker = (await docker('version', '--format', '{{.Server.Version}}')).trim();
      await dockerCleanup();
      try {
        const nets = await dockerNets(ctx);
        await record('B2', () => b2(ctx, nets));
        await record('B5', () => b5(ctx, nets));
        await record('B7', () => b7(ctx, nets));
      } finally {
        await dockerCleanup()
          .catch(async (e: unknown) => {
            // dockerd 20.10 can keep counting endpoints of containers removed in parallel, for both drivers
            // (moby/moby#42119: "has active endpoints" with no container). A restart clears it; only a dockerd
            // this run started is restarted, while the drivers still answer its DeleteNetwork.
            if (!engine?.started) throw e;
            console.error(`docker cleanup: ${String(e)}; restarting the dockerd this run started`);
            await engine.stop();
            engine = await ensureDocker();
            await dockerCleanup();
          })
          .catch((e: unknown) => {
            errors.cleanup = `docker networks labelled ${LABEL} may be left: ${String(e)}`;
            console.error(`docker cleanup: ${String(e)}`);
          });
      }
    }
    await ctx.offNet.remove().catch(() => undefined);
    await ctx.onNet.remove().catch(() => undefined);
  } finally {
    await teardown();
    for (const d of drivers) {
      // Errors the drivers logged (not the harness's readiness probe of an unknown endpoint): a benchmark
      // that "passes" with a driver failing underneath would mislead.
      const lines = d.logs.split('\n').filter((l) => /"level":(50|60)/.test(l) && !l.includes('f'.repeat(64)));
      if (lines.length > 0) {
        driverErrors[d.name] = lines.slice(0, 20);
        console.error(`\n${d.name} logged ${lines.length} errors, first: ${lines[0]}`);
      }
    }
  }

  const out = {
    version: 1,
    smoke: args.smoke,
    command: `node dist/bench/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: started,
    finishedAt: new Date().toISOString(),
    machine: {
      ...info,
      loadavgAtEnd: os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
    },
    sizes,
    benchmarks: results,
    errors,
    driverErrors,
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(out, null, 2) + '\n');
  const judged = Object.values(results).flatMap((b) => b.rows.filter((r) => r.met !== undefined));
  console.log(`\nwrote ${args.out} (${((now() - t0) / 1000).toFixed(0)} s in all)`);
  if (judged.length)
    console.log(
      `targets: ${judged.filter((r) => r.met).length} met, ${judged.filter((r) => !r.met).length} missed (${
        judged
          .filter((r) => !r.met)
          .map((r) => r.id)
          .join(', ') || 'none'
      })`,
    );
  if (Object.keys(errors).length) {
    console.error(`failed: ${Object.keys(errors).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
