/**
 * The `docker-ovn-driver` CLI against a real driver, dockerd and OVN: what it shows of networks and
 * containers, and `doctor` noticing a stopped ovn-controller and an orphan OVS port (each with its fix).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docker } from '../harness/docker';
import { kill } from '../harness/daemons';
import { repoRoot, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDockerWithHttp } from './ovn-docker';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(url: string, ...args: string[]): Promise<CliRun> {
  const main = path.join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [main, '--url', url, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('docker-ovn-driver CLI (e2e)', () => {
  const { t, http } = useOvnDockerWithHttp();

  it('shows status, networks, the endpoints of a container and the topology, and leaves nothing behind', async () => {
    const status = await cli(http.url, '--json', 'status');
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as Record<string, unknown>;
    assert.equal(s.ready, true);
    assert.equal(s.chassis, t.stack.chassis);
    assert.equal(s.networks, 0);

    await t.netCreate('cli-a', '--subnet', '10.60.1.0/24', '-o', 'vrf=cli');
    const netId = (await docker('network', 'inspect', '-f', '{{.Id}}', 'cli-a')).trim();
    const c = await t.run('cli-a');
    const ip = await t.ipOf(c, 'cli-a');

    const networks = await cli(http.url, 'networks');
    assert.equal(networks.code, 0, networks.stderr);
    assert.match(networks.stdout, new RegExp(`${netId.slice(0, 12)}\\s+cli\\s+10\\.60\\.1\\.0/24`));

    // ovn-controller marks the port installed shortly after the container starts
    const rows = await waitFor(
      async () => {
        const r = await cli(http.url, '--json', 'endpoints', c);
        const list = JSON.parse(r.stdout) as { address: string; chassis: string; up: boolean; installed: boolean; ovsPort: string }[];
        return list.length === 1 && list[0]!.installed && list[0]!.up ? list : undefined;
      },
      { timeoutMs: 20_000, what: `endpoint of ${c} installed and up` },
    );
    assert.equal(rows[0]!.address, `${ip}/24`);
    assert.equal(rows[0]!.chassis, t.stack.chassis);
    assert.notEqual(rows[0]!.ovsPort, '');
    const text = await cli(http.url, 'endpoints', c);
    assert.match(text.stdout, new RegExp(`${ip}/24\\s+\\S+\\s+${t.stack.chassis}\\s+yes\\s+yes`));
    assert.equal((await cli(http.url, 'endpoints', 'no-such-container')).code, 1);

    const json = JSON.parse((await cli(http.url, 'topology', '--format', 'json')).stdout) as {
      routers: { vrf: string }[];
      endpoints: { address: string }[];
    };
    assert.deepEqual(
      json.routers.map((r) => r.vrf),
      ['cli'],
    );
    assert.deepEqual(
      json.endpoints.map((e) => e.address),
      [`${ip}/24`],
    );
    const dot = await cli(http.url, 'topology', '--format', 'dot');
    assert.match(dot.stdout, /^graph topology \{/);
    assert.match(dot.stdout, new RegExp(`chassis ${t.stack.chassis}`));
    assert.ok(dot.stdout.includes(ip));
    const mermaid = await cli(http.url, 'topology', '--format', 'mermaid');
    assert.match(mermaid.stdout, /^graph LR/);
    assert.ok(mermaid.stdout.includes(ip));

    await docker('rm', '-f', c);
    await docker('network', 'rm', 'cli-a');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('doctor fails with a fix while ovn-controller is stopped, and passes once it runs again', async () => {
    const ok = await cli(http.url, 'doctor', '--ovn-rundir', t.stack.dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /ok\s+ovn-controller running/);

    const restart = await kill(t.stack, 'ovn-controller.pid');
    try {
      const failed = await cli(http.url, 'doctor', '--ovn-rundir', t.stack.dir);
      assert.equal(failed.code, 1, failed.stdout);
      assert.match(failed.stdout, /FAIL\s+ovn-controller running: pid \d+ .* is not running\n\s+fix: start ovn-controller/);
    } finally {
      await restart();
    }
    const again = await cli(http.url, 'doctor', '--ovn-rundir', t.stack.dir);
    assert.equal(again.code, 0, again.stdout);
  });

  it('doctor reports an orphan OVS port the reconciler would remove, with the removal as the fix', async () => {
    // What a driver killed between attaching a port and answering dockerd leaves: an owned OVS port whose
    // endpoint NB never got. No device behind it: the row alone is what the reconciler looks at.
    const port = 'ovn0a1b2c3d4e5f';
    await t.stack.vsctl(
      'add-port',
      t.stack.bridge,
      port,
      '--',
      'set',
      'Interface',
      port,
      'external_ids:"docker-ovn:owner"=docker-ovn-driver',
      'external_ids:iface-id=0a1b2c3d4e5f-orphan',
    );
    try {
      const found = await waitFor(
        async () => {
          const r = await cli(http.url, 'doctor', '--ovn-rundir', t.stack.dir);
          return r.stdout.includes(port) ? r : undefined;
        },
        { timeoutMs: 10_000, what: 'doctor listing the orphan' },
      );
      // A warning while the reconciler runs (it removes the port itself two passes later): exit 0.
      assert.equal(found.code, 0, found.stdout);
      assert.match(
        found.stdout,
        new RegExp(
          `warn\\s+no orphans: OVS port ${port} \\(the reconciler mends them within 120 s\\)\\n\\s+fix: wait for the reconciler\\n`,
        ),
      );
      const json = JSON.parse((await cli(http.url, '--json', 'doctor', '--ovn-rundir', t.stack.dir)).stdout) as {
        name: string;
        ok: boolean;
      }[];
      assert.equal(json.find((c) => c.name === 'no orphans')?.ok, false);
    } finally {
      await t.stack.vsctl('--if-exists', 'del-port', t.stack.bridge, port);
    }
    const clean = await waitFor(
      async () => {
        const r = await cli(http.url, 'doctor', '--ovn-rundir', t.stack.dir);
        return /ok\s+no orphans: nothing for the reconciler to remove/.test(r.stdout) ? r : undefined;
      },
      { timeoutMs: 10_000, what: 'doctor without the orphan' },
    );
    assert.equal(clean.code, 0, clean.stdout);
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('exits 2 when the driver is not reachable, and on a usage error', async () => {
    assert.equal((await cli('http://127.0.0.1:1', 'status')).code, 2);
    assert.equal((await cli(http.url, 'topology', '--format', 'png')).code, 2);
  });
});
