#!/usr/bin/env node
/**
 * `docker-ovn-driver`: the operator's view of a running driver, read from its HTTP listener (or a socket that
 * serves the same routes). Exit codes: 0 all well, 1 not ready or a check failed, 2 usage error or driver
 * unreachable.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { get, Target, UnreachableError } from './driver-client';
import { driverChecks, formatChecks, ovnControllerCheck, orphansCheck, reconcilerLimitsCheck, type OrphansView } from './doctor';
import {
  DatabaseView,
  ENDPOINT_HEADER,
  endpointCells,
  endpointRows,
  NETWORK_HEADER,
  networkRows,
  table,
  toDot,
  toMermaid,
  topology,
  type Topology,
} from './views';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** The driver answered, but cannot serve this now (NB or OVS away): exit 1, as `status` says not ready. */
class NotReadyError extends Error {}

/**
 * The target's readiness answer: 200 or 503 from a driver; anything else is not a driver's HTTP listener
 * (the plugin socket serves no operator paths; another program on the port).
 */
async function readyz(t: Target): Promise<Awaited<ReturnType<typeof get>>> {
  const r = await get(t, '/readyz');
  if (r.status !== 200 && r.status !== 503) {
    throw new UnreachableError(`${t.socket ?? t.url} answered /readyz with ${r.status}: not a docker-ovn-driver HTTP listener`);
  }
  return r;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function out(text: string): void {
  process.stdout.write(text + '\n');
}

function target(program: Command): Target {
  const o = program.opts<{ url: string; socket?: string }>();
  return { url: o.url, socket: o.socket };
}

function json(program: Command): boolean {
  return program.opts<{ json?: boolean }>().json === true;
}

async function database(t: Target): Promise<DatabaseView> {
  const r = await get(t, '/NetworkDriver.Database');
  if (r.status === 503) throw new NotReadyError(`the driver is not ready: ${(r.body as { Err?: string }).Err ?? JSON.stringify(r.body)}`);
  if (r.status !== 200) throw new UnreachableError(`/NetworkDriver.Database answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as DatabaseView;
}

/** Endpoint ids of a container, from docker itself (the driver never learns container names). */
function endpointsOfContainer(container: string): string[] {
  try {
    return execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.EndpointID}} {{end}}', container], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split(/\s+/)
      .filter(Boolean);
  } catch (e) {
    // not a container docker knows: take it as an endpoint id (prefix). No docker command at all (inside the
    // managed plugin): said, since an empty answer would otherwise read as "no such container".
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      process.stderr.write(`docker-ovn-driver: no docker command here: taking ${container} as an endpoint id\n`);
    return [container];
  }
}

/**
 * The listener the driver of this environment opens: inside the managed plugin (or next to `make run`) the
 * same OVN_DRIVER_* variables are set. A wildcard bind address is reached on loopback.
 */
function defaultUrl(): string {
  const addr = process.env.OVN_DRIVER_ADDR || '127.0.0.1';
  const host = addr === '0.0.0.0' || addr === '::' ? '127.0.0.1' : addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${process.env.OVN_DRIVER_PORT || '9105'}`;
}

export function buildProgram(): Command {
  const program = new Command('docker-ovn-driver')
    .description('Look at a running docker-ovn-driver: readiness, networks, endpoints, topology, and a doctor')
    .version(version())
    .option(
      '--url <url>',
      "the driver's HTTP listener (default from OVN_DRIVER_ADDR and OVN_DRIVER_PORT, as the driver reads them)",
      defaultUrl(),
    )
    .option('--socket <path>', 'a unix socket serving the same routes, instead of --url')
    .option('--json', 'print JSON instead of text')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('status')
    .description('ready or not and why, versions, NB remote, chassis, counts')
    .action(async () => {
      const t = target(program);
      const ready = await readyz(t);
      const readiness = ready.body as { status: string; nb: string; ovs: string };
      const db = ready.status === 200 ? await database(t) : undefined;
      const status = {
        ready: ready.status === 200,
        nb: readiness.nb,
        ovs: readiness.ovs,
        cliVersion: version(),
        ovsVersion: db?.Host?.OvsVersion,
        nbRemote: db?.Host?.NbRemote,
        chassis: db?.Chassis,
        networks: db?.Networks.length,
        endpoints: db?.Networks.reduce((n, net) => n + net.Endpoints.length, 0),
      };
      if (json(program)) out(JSON.stringify(status, null, 2));
      else
        out(
          table(
            ['FIELD', 'VALUE'],
            Object.entries(status).map(([k, v]) => [k, v === undefined ? '-' : String(v)]),
          ),
        );
      if (!status.ready) process.exitCode = EXIT_FAILED;
    });

  program
    .command('networks')
    .description("the driver's networks with their switches")
    .action(async () => {
      const db = await database(target(program));
      out(json(program) ? JSON.stringify(db.Networks, null, 2) : table(NETWORK_HEADER, networkRows(db)));
    });

  program
    .command('endpoints [container]')
    .description('endpoint → logical switch port → OVS port → chassis, up and ovn-installed')
    .action(async (container?: string) => {
      const rows = endpointRows(await database(target(program)), container ? endpointsOfContainer(container) : undefined);
      out(json(program) ? JSON.stringify(rows, null, 2) : table(ENDPOINT_HEADER, rows.map(endpointCells)));
      if (container && rows.length === 0) process.exitCode = EXIT_FAILED;
    });

  program
    .command('topology')
    .description('vrf routers, switches and endpoints per chassis')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'dot', 'mermaid']).default('json'))
    .action(async (opts: { format: string }) => {
      // The driver's own graph (named by dockerd); a driver without /debug/topology: made from the Database view.
      const reply = await get(target(program), '/debug/topology');
      const t = reply.status === 200 ? (reply.body as Topology) : topology(await database(target(program)));
      out(opts.format === 'dot' ? toDot(t) : opts.format === 'mermaid' ? toMermaid(t) : JSON.stringify(t, null, 2));
    });

  program
    .command('doctor')
    .description('check the driver and this host, with a fix for each failure')
    .option('--ovn-rundir <dir>', "ovn-controller's run directory (its pidfile)", process.env.OVN_RUNDIR ?? '/var/run/ovn')
    .option('--underlay-mtu <n>', 'MTU of the network between hosts', (v) => Number(v), 1500)
    .action(async (opts: { ovnRundir: string; underlayMtu: number }) => {
      const t = target(program);
      const ready = await readyz(t);
      const db = await database(t).catch(() => undefined);
      const bridge = (await get(t, '/debug/bridge').catch(() => undefined))?.body as { Bridge?: string; UUID?: string } | undefined;
      const orphans = await get(t, '/debug/orphans').catch(() => undefined);
      const orphansView = orphans?.status === 200 ? (orphans.body as OrphansView) : undefined;
      const checks = [
        { name: 'driver reachable', ok: true, detail: t.socket ?? t.url },
        ...driverChecks(ready.body as { nb?: string; ovs?: string }, db, bridge, opts.underlayMtu),
        ovnControllerCheck(opts.ovnRundir),
        orphansCheck(orphansView, bridge?.Bridge ?? 'br-int'),
        reconcilerLimitsCheck(orphansView),
      ];
      out(json(program) ? JSON.stringify(checks, null, 2) : formatChecks(checks));
      if (checks.some((c) => !c.ok && !c.warning)) process.exitCode = EXIT_FAILED;
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    process.stderr.write(`docker-ovn-driver: ${(err as Error).message}\n`);
    return err instanceof NotReadyError ? EXIT_FAILED : EXIT_USAGE;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
