/**
 * Open vSwitch restarting under running containers, as a package upgrade restarts it: ovs-vswitchd and
 * the OVS database server exit and start again with the same command lines; the database file and the
 * containers' veths stay. The containers reach each other again, the driver's OVSDB session comes back,
 * and a container started afterwards gets its first packet through.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docker } from '../harness/docker';
import { run, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

const ping = (container: string, ip: string) => docker('exec', container, 'ping', '-c1', '-W2', ip);

/** The command line and environment of a running process. */
async function processOf(pid: number): Promise<{ argv: string[]; env: NodeJS.ProcessEnv }> {
  const fields = async (file: string) => (await readFile(`/proc/${pid}/${file}`, 'utf8')).split('\0').filter(Boolean);
  const env = Object.fromEntries((await fields('environ')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { argv: await fields('cmdline'), env };
}

describe('Open vSwitch restarting under running containers (e2e)', () => {
  // The reconciler every second: the second case waits for it.
  const t = useOvnDocker({ OVN_DRIVER_RECONCILE_INTERVAL_S: '1' });

  it('containers reach each other again after Open vSwitch restarts, and new ones start as before', async () => {
    await t.netCreate('ovsr', '--subnet', '10.78.0.0/24', '--gateway', '10.78.0.1');
    const [a, b] = [await t.run('ovsr'), await t.run('ovsr')];
    const [ipA, ipB] = [await t.ipOf(a, 'ovsr'), await t.ipOf(b, 'ovsr')];
    await ping(a, ipB);

    // As `systemctl restart openvswitch-switch` does: ovs-vswitchd and the OVS database server stop, and
    // start again with the same command lines. ovn-controller and the driver reconnect.
    const daemons = await Promise.all(
      ['vswitchd', 'ovsdb'].map(async (name) => {
        const pid = Number((await readFile(path.join(t.stack.dir, `${name}.pid`), 'utf8')).trim());
        return { name, pid, ...(await processOf(pid)) };
      }),
    );
    for (const d of daemons) {
      await t.stack.appctl(d.name, 'exit');
      await waitFor(
        async () =>
          (await readFile(`/proc/${d.pid}/stat`).then(
            () => false,
            () => true,
          )) || undefined,
        {
          what: `${d.name} to exit`,
        },
      );
    }
    for (const d of [...daemons].reverse()) await run(d.argv[0]!, d.argv.slice(1), { env: d.env });

    await waitFor(() => ping(a, ipB).then(() => true), { timeoutMs: 30_000, intervalMs: 500, what: `${a} → ${ipB} after the restart` });
    await ping(b, ipA);
    await ping(b, '10.78.0.1');
    // The driver's log says when its session went and when it came back.
    assert.match(t.driver.logs, /lost the connection to local Open_vSwitch DB \(.*\); reconnecting/);
    assert.match(t.driver.logs, /connected to local Open_vSwitch DB \(.*\) again after \d+\.\d s/);
    const c = await t.run('ovsr');
    await ping(c, ipA);
    assert.notEqual(await t.ipOf(c, 'ovsr'), '');

    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it("a running container's OVS port deleted (ovs-vsctl del-port, an OVS DB reset): the reconciler plugs its veth back", async () => {
    await t.netCreate('ovsp', '--subnet', '10.78.1.0/24', '--gateway', '10.78.1.1');
    const [a, b] = [await t.run('ovsp'), await t.run('ovsp')];
    const ipB = await t.ipOf(b, 'ovsp');
    await ping(a, ipB);
    const endpoint = await docker('inspect', '-f', '{{(index .NetworkSettings.Networks "ovsp").EndpointID}}', a);
    const veth = `ovn${endpoint.trim().slice(0, 12)}`;

    await t.stack.vsctl('del-port', t.stack.bridge, veth);
    await assert.rejects(ping(a, ipB), 'no OVS port, no path');
    await waitFor(() => ping(a, ipB).then(() => true), { timeoutMs: 30_000, intervalMs: 500, what: `${a} → ${ipB} once plugged back` });
    assert.match(t.driver.logs, /reconciler plugged the veth of a running container back into/);
    // With its sandbox, by which the container's routes are kept.
    const sandboxKey = (await docker('inspect', '-f', '{{.NetworkSettings.SandboxKey}}', a)).trim();
    const recorded = await t.stack.vsctl('get', 'Interface', veth, 'external_ids:docker-ovn\\:sandbox-key');
    assert.equal(recorded.trim().replace(/^"|"$/g, ''), sandboxKey);
    assert.equal(
      (await docker('exec', a, 'cat', '/sys/class/net/eth0/operstate')).trim(),
      'up',
      "the container's interface is the one it had",
    );

    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
