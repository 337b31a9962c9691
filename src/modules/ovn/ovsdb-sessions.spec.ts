import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/load-config';
import { withNorthboundRemote } from '../../config/northbound-remote';
import { OvsdbSessions } from './ovsdb-sessions';

const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

/**
 * The path production takes (no OVN_DRIVER_NB; every stack test sets it): main.ts reads the NB remote once
 * from a local Open_vSwitch DB, here a private ovsdb-server, and the sessions use that remote.
 */
describe(OvsdbSessions.name, () => {
  let dir: string;
  let server: ReturnType<typeof spawn> | undefined;
  let ovsRemote: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ovn-driver-sessions-'));
    const db = path.join(dir, 'conf.db');
    const sock = path.join(dir, 'db.sock');
    ovsRemote = `unix:${sock}`;
    execFileSync('ovsdb-tool', ['create', db, VSWITCH_SCHEMA]);
    server = spawn('ovsdb-server', [`--remote=punix:${sock}`, `--unixctl=${path.join(dir, 'ctl')}`, '-vconsole:off', db], {
      stdio: 'ignore',
    });
    for (let i = 0; !existsSync(sock); i++) {
      if (i > 200) throw new Error('ovsdb-server did not come up');
      await sleep(25);
    }
    const vsctl = (...args: string[]) => execFileSync('ovs-vsctl', [`--db=${ovsRemote}`, '--no-wait', ...args], { timeout: 10_000 });
    vsctl('init');
    vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-nb=tcp:192.0.2.10:6641');
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

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
});
