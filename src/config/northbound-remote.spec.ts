import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './load-config';
import { OvnNotConfiguredError, readOvnNbFromOvs, requireNorthboundRemote } from './northbound-remote';

const unreachable = () => Promise.reject(new Error('should not be read'));

describe(requireNorthboundRemote.name, () => {
  it('takes OVN_DRIVER_NB without reading the local Open_vSwitch DB', async () => {
    assert.equal(await requireNorthboundRemote(loadConfig({ OVN_DRIVER_NB: 'tcp:10.0.0.1:6641' }), unreachable), 'tcp:10.0.0.1:6641');
  });

  it('falls back to external_ids:ovn-nb of the configured Open_vSwitch DB, bounded in time', async () => {
    const calls: [string, number][] = [];
    const read = (remote: string, timeoutMs: number) => (
      calls.push([remote, timeoutMs]),
      Promise.resolve('unix:/var/run/ovn/ovnnb_db.sock')
    );
    const config = loadConfig({ OVN_DRIVER_OVS_DB: 'unix:/x/db.sock', OVN_DRIVER_OVSDB_TIMEOUT_MS: '20000' });
    assert.equal(await requireNorthboundRemote(config, read), 'unix:/var/run/ovn/ovnnb_db.sock');
    assert.deepEqual(calls, [['unix:/x/db.sock', 5000]]);
  });

  it('refuses when the local Open_vSwitch DB has no external_ids:ovn-nb', async () => {
    await assert.rejects(
      requireNorthboundRemote(loadConfig({}), () => Promise.resolve(undefined)),
      (e: Error) =>
        e instanceof OvnNotConfiguredError &&
        /^refusing to start: no OVN Northbound DB configured: OVN_DRIVER_NB is not set and external_ids:ovn-nb is not set in the local Open_vSwitch DB unix:\/var\/run\/openvswitch\/db\.sock\. Set OVN_DRIVER_NB/.test(
          e.message,
        ),
    );
  });

  it('refuses when the local Open_vSwitch DB does not answer, with the reason', async () => {
    const config = loadConfig({ OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock', OVN_DRIVER_OVSDB_TIMEOUT_MS: '300' });
    await assert.rejects(requireNorthboundRemote(config), (e: Error) => {
      assert.ok(e instanceof OvnNotConfiguredError);
      assert.match(
        e.message,
        /cannot read external_ids:ovn-nb: the local Open_vSwitch DB unix:\/nonexistent\/db\.sock did not answer within 300 ms \(.*ENOENT/,
      );
      return true;
    });
  });
});

describe(readOvnNbFromOvs.name, () => {
  it('gives up after the timeout when nothing listens', async () => {
    const started = Date.now();
    await assert.rejects(readOvnNbFromOvs('unix:/nonexistent/db.sock', 200), /did not answer within 200 ms/);
    assert.ok(Date.now() - started < 2000);
  });
});

describe('main without an OVN to use', () => {
  it('exits 2 with one clear line before its plugin socket ever listens', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ovn-driver-refuse-'));
    const socket = path.join(dir, 'ovn.sock');
    try {
      const child = spawn(process.execPath, [path.join(__dirname, '..', 'main.js')], {
        env: {
          PATH: process.env.PATH,
          OVN_DRIVER_SOCKET: socket,
          OVN_DRIVER_PORT: '0',
          OVN_DRIVER_OVS_DB: `unix:${dir}/db.sock`,
          OVN_DRIVER_OVSDB_TIMEOUT_MS: '300',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 2, out);
      assert.match(
        out,
        /^docker-ovn-driver: refusing to start: no OVN Northbound DB configured: OVN_DRIVER_NB is not set and cannot read external_ids:ovn-nb/,
      );
      assert.equal(out.trim().split('\n').length, 1, out);
      assert.equal(existsSync(socket), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
