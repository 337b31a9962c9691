import { ConsoleLogger, Logger } from '@nestjs/common';
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/load-config';
import { withNorthboundRemote } from '../../config/northbound-remote';
import { UnavailableError } from '../../protocol/errors';
import { OvsdbSessions } from './ovsdb-sessions';

const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const NB_2303_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';
const NB_2503_SCHEMA = path.join(path.dirname(require.resolve('ovsdb-client/package.json')), 'schemas', 'ovn-nb-25.03.ovsschema');

/** Private ovsdb-servers on a temp dir (no shared stack), killed by pid. */
class Servers {
  private readonly procs: ChildProcess[] = [];
  private readonly byName = new Map<string, { proc: ChildProcess; args: string[] }>();
  private constructor(readonly dir: string) {}

  static async make(): Promise<Servers> {
    return new Servers(await mkdtemp(path.join(tmpdir(), 'ovn-driver-sessions-')));
  }

  /** Starts one on `schema` (a path, or a schema object) and returns its remote. */
  async start(name: string, schema: string | object): Promise<string> {
    const db = path.join(this.dir, `${name}.db`);
    const sock = path.join(this.dir, `${name}.sock`);
    let schemaFile = schema as string;
    if (typeof schema === 'object') writeFileSync((schemaFile = path.join(this.dir, `${name}.ovsschema`)), JSON.stringify(schema));
    execFileSync('ovsdb-tool', ['create', db, schemaFile]);
    const args = [`--remote=punix:${sock}`, `--unixctl=${path.join(this.dir, `${name}.ctl`)}`, '-vconsole:off', db];
    await this.spawn(name, args, sock);
    return `unix:${sock}`;
  }

  /** Kills server `name`; `restart` brings it back on the same database and socket. */
  async kill(name: string): Promise<void> {
    const { proc } = this.byName.get(name)!;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async restart(name: string): Promise<void> {
    const { args } = this.byName.get(name)!;
    await this.spawn(name, args, args[0]!.slice('--remote=punix:'.length));
  }

  private async spawn(name: string, args: string[], sock: string): Promise<void> {
    const proc = spawn('ovsdb-server', args, { stdio: 'ignore' });
    this.procs.push(proc);
    this.byName.set(name, { proc, args });
    for (let i = 0; !existsSync(sock); i++) {
      if (i > 200) throw new Error(`ovsdb-server ${name} did not come up`);
      await sleep(25);
    }
  }

  async stop(): Promise<void> {
    for (const p of this.procs.filter((p) => p.exitCode === null && p.signalCode === null)) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** `text` for a RegExp that matches it as written. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Polls `check` until it stops throwing (the sessions connect in the background). */
async function eventually<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(25)) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/** Routes Nest's Logger into `level message` lines until the test puts the console logger back. */
function captureLog(): string[] {
  const lines: string[] = [];
  const record = (level: string) => (message: unknown) => void lines.push(`${level} ${String(message)}`);
  Logger.overrideLogger({
    log: record('log'),
    warn: record('warn'),
    error: record('error'),
    debug: () => undefined,
    verbose: () => undefined,
  });
  return lines;
}

describe(OvsdbSessions.name, () => {
  let servers: Servers;
  let ovsRemote: string;

  before(async () => {
    servers = await Servers.make();
    ovsRemote = await servers.start('ovs', VSWITCH_SCHEMA);
    const vsctl = (...args: string[]) => execFileSync('ovs-vsctl', [`--db=${ovsRemote}`, '--no-wait', ...args], { timeout: 10_000 });
    vsctl('init');
    vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-nb=tcp:192.0.2.10:6641');
  });

  after(() => servers.stop());

  // The path production takes (every stack test sets OVN_DRIVER_NB): main.ts reads the remote once.
  it('connects NB to the remote read once from external_ids:ovn-nb when OVN_DRIVER_NB is unset', async () => {
    const config = await withNorthboundRemote(loadConfig({ OVN_DRIVER_OVS_DB: ovsRemote, OVN_DRIVER_LOG_FILE: '' }));
    assert.equal(config.OVN_DRIVER_NB, 'tcp:192.0.2.10:6641');
    assert.ok(Object.isFrozen(config));
    const sessions = new OvsdbSessions(config);
    assert.equal(sessions.nbRemote, 'tcp:192.0.2.10:6641');
    assert.equal(sessions.nbSession.state, 'idle');
    await sessions.onApplicationShutdown();
  });

  it('takes OVN_DRIVER_NB as given', async () => {
    const config = await withNorthboundRemote(
      loadConfig({ OVN_DRIVER_NB: 'unix:/run/ovn/ovnnb_db.sock', OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock' }),
    );
    assert.equal(new OvsdbSessions(config).nbRemote, 'unix:/run/ovn/ovnnb_db.sock');
  });

  it('refuses a config whose NB remote was never resolved', () => {
    assert.throws(() => new OvsdbSessions(loadConfig({})), /OVN_DRIVER_NB must be resolved/);
  });

  for (const [ovn, schema, version] of [
    ['23.03', NB_2303_SCHEMA, '7.0.0'],
    ['25.03', NB_2503_SCHEMA, '7.11.0'],
  ] as const) {
    it(`runs on the NB schema of OVN ${ovn}`, async () => {
      const sessions = new OvsdbSessions(
        loadConfig({ OVN_DRIVER_NB: await servers.start(`nb-${ovn}`, schema), OVN_DRIVER_OVS_DB: ovsRemote }),
      );
      sessions.onApplicationBootstrap();
      try {
        const nb = await eventually(() => sessions.nb());
        assert.equal(nb.schema?.version, version);
      } finally {
        await sessions.onApplicationShutdown();
      }
    });
  }

  it('refuses an NB whose schema lacks columns the driver uses, naming them', async () => {
    const schema = JSON.parse(readFileSync(NB_2303_SCHEMA, 'utf8')) as {
      version: string;
      tables: Record<string, { columns: Record<string, unknown> }>;
    };
    schema.version = '6.3.0';
    delete schema.tables.Logical_Switch_Port!.columns.port_security;
    delete schema.tables.Logical_Router_Port!.columns.mac;
    const sessions = new OvsdbSessions(loadConfig({ OVN_DRIVER_NB: await servers.start('nb-old', schema), OVN_DRIVER_OVS_DB: ovsRemote }));
    sessions.onApplicationBootstrap();
    try {
      const err = await eventually(() => {
        try {
          sessions.nb();
        } catch (e) {
          if (e instanceof UnavailableError && /lacks/.test(e.message)) return e;
        }
        throw new Error('not refused yet');
      });
      assert.match(
        err.message,
        /^OVN Northbound DB \(unix:.*nb-old\.sock\) cannot be used: OVN_Northbound schema 6\.3\.0 lacks Logical_Switch_Port\.port_security, Logical_Router_Port\.mac, which this driver needs/,
      );
    } finally {
      await sessions.onApplicationShutdown();
    }
  });

  it('logs a lost session when it goes and again when it is back, with how long it was away', async () => {
    const ovs = await servers.start('ovs-lost', VSWITCH_SCHEMA);
    execFileSync('ovs-vsctl', [`--db=${ovs}`, '--no-wait', 'init'], { timeout: 10_000 });
    const lines = captureLog();
    const sessions = new OvsdbSessions(
      loadConfig({ OVN_DRIVER_NB: await servers.start('nb-lost', NB_2303_SCHEMA), OVN_DRIVER_OVS_DB: ovs }),
    );
    sessions.onApplicationBootstrap();
    try {
      const what = `local Open_vSwitch DB (${ovs})`;
      await eventually(() => assert.ok(lines.includes(`log connected to ${what}`), lines.join('\n')));
      assert.ok(
        lines.some((l) => l.startsWith('log connected to OVN Northbound DB (unix:')),
        lines.join('\n'),
      );
      await servers.kill('ovs-lost');
      // A killed server leaves its socket file: gone, restart waits for the new server's.
      rmSync(ovs.slice('unix:'.length), { force: true });
      await eventually(() =>
        assert.ok(
          lines.includes(`warn lost the connection to ${what}; reconnecting (the verbs that need it answer 503 meanwhile)`),
          lines.join('\n'),
        ),
      );
      assert.throws(() => sessions.localOvs(), UnavailableError);
      await servers.restart('ovs-lost');
      await eventually(() =>
        assert.ok(
          lines.some((l) => new RegExp(`^log connected to ${escape(what)} again after \\d+\\.\\d s$`).test(l)),
          lines.join('\n'),
        ),
      );
      assert.ok(sessions.localOvs());
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
      await sessions.onApplicationShutdown();
    }
  });

  it('at start, holds verbs until the first connection, and says why it cannot connect, once per cause', async () => {
    const ovs = await servers.start('ovs-early', VSWITCH_SCHEMA);
    execFileSync('ovs-vsctl', [`--db=${ovs}`, '--no-wait', 'init'], { timeout: 10_000 });
    const nb = `unix:${path.join(servers.dir, 'nb-late.sock')}`;
    const lines = captureLog();
    const sessions = new OvsdbSessions(loadConfig({ OVN_DRIVER_NB: nb, OVN_DRIVER_OVS_DB: ovs, OVN_DRIVER_STARTUP_WAIT_S: '10' }));
    sessions.onApplicationBootstrap();
    try {
      let started = false;
      const held = sessions.whenStarted().then(() => (started = true));
      const what = `OVN Northbound DB (${nb})`;
      const cause = `connect ENOENT ${nb.slice('unix:'.length)}`;
      await eventually(() =>
        assert.ok(
          lines.includes(`warn cannot connect to ${what}: ${cause}; retrying (the verbs that need it answer 503 meanwhile)`),
          lines.join('\n'),
        ),
      );
      assert.throws(() => sessions.nb(), { name: UnavailableError.name, message: `${what} is not connected: ${cause}` });
      await sleep(1000); // several more attempts (100 ms backoff, doubling)
      assert.equal(lines.filter((l) => l.startsWith(`warn cannot connect to ${what}`)).length, 1, lines.join('\n'));
      assert.equal(started, false, 'verbs are held while the first connection is pending');
      await servers.start('nb-late', NB_2303_SCHEMA);
      await held;
      assert.ok(sessions.ready());
      assert.ok(
        lines.some((l) => new RegExp(`^log connected to ${escape(what)} after \\d+\\.\\d s$`).test(l)),
        lines.join('\n'),
      );
      const t0 = Date.now();
      await sessions.whenStarted();
      assert.ok(Date.now() - t0 < 50, 'after the first connection nothing is held');
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
      await sessions.onApplicationShutdown();
    }
  });

  it('holds verbs at most OVN_DRIVER_STARTUP_WAIT_S after start; later ones are not held', async () => {
    const sessions = new OvsdbSessions(
      loadConfig({
        OVN_DRIVER_NB: 'unix:/nonexistent/nb.sock',
        OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock',
        OVN_DRIVER_STARTUP_WAIT_S: '1',
      }),
    );
    const lines = captureLog();
    sessions.onApplicationBootstrap();
    try {
      const t0 = Date.now();
      await sessions.whenStarted();
      const held = Date.now() - t0;
      assert.ok(held >= 900 && held < 3000, `held ${held} ms`);
      const t1 = Date.now();
      await sessions.whenStarted();
      assert.ok(Date.now() - t1 < 50, 'after the wait nothing is held');
      assert.throws(() => sessions.localOvs(), {
        message: 'local Open_vSwitch DB (unix:/nonexistent/db.sock) is not connected: connect ENOENT /nonexistent/db.sock',
      });
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
      await sessions.onApplicationShutdown();
    }
    for (const [what, sock] of [
      ['OVN Northbound DB', '/nonexistent/nb.sock'],
      ['local Open_vSwitch DB', '/nonexistent/db.sock'],
    ])
      assert.equal(
        lines.filter(
          (l) =>
            l ===
            `warn cannot connect to ${what} (unix:${sock}): connect ENOENT ${sock}; retrying (the verbs that need it answer 503 meanwhile)`,
        ).length,
        1,
        lines.join('\n'),
      );
  });
});
