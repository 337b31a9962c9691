/**
 * vrf routing and the way out: each vrf is an OVN router with a port at every network's gateway;
 * egress and `-p` go through docker_gwbridge, which dockerd attaches because Join returns no default
 * gateway; --internal networks get no way out.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { docker } from '../harness/docker';
import { run as exec, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

const ping = (container: string, ip: string) => docker('exec', container, 'ping', '-c', '1', '-W', '2', ip);
/** The driver adds a container's routes to the vrf's other networks a moment after it starts. */
const pingSoon = (container: string, ip: string) =>
  waitFor(() => ping(container, ip).then(() => true), { timeoutMs: 10_000, intervalMs: 200, what: `${container} → ${ip}` });

/** Reads what a TCP server at host:port sends on connect. */
function readFrom(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (c) => (data += c.toString()));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

describe('vrf routing and external connectivity (e2e)', () => {
  const t = useOvnDocker();

  it('answers at the gateway, routes within a vrf, isolates vrfs, and leaves no router behind', async () => {
    await t.netCreate('green-a', '--subnet', '10.50.1.0/24', '--gateway', '10.50.1.1', '-o', 'vrf=green');
    await t.netCreate('green-b', '--subnet', '10.50.2.0/24', '--gateway', '10.50.2.1', '-o', 'vrf=green');
    await t.netCreate('purple', '--subnet', '10.50.3.0/24', '--gateway', '10.50.3.1', '-o', 'vrf=purple');
    const l = await leftovers(t.stack);
    assert.deepEqual(l.routers.sort(), ['docker-vrf-green', 'docker-vrf-purple']);
    assert.equal(l.routerPorts.length, 3);
    const a = await t.run('green-a');
    const b = await t.run('green-b');
    const c = await t.run('purple');
    const [ipA, ipB, ipC] = [await t.ipOf(a, 'green-a'), await t.ipOf(b, 'green-b'), await t.ipOf(c, 'purple')];
    await ping(a, '10.50.1.1');
    await ping(c, '10.50.3.1');
    await pingSoon(a, ipB);
    await pingSoon(b, ipA);
    await assert.rejects(ping(a, ipC), /failed/);
    await assert.rejects(ping(c, ipA), /failed/);
    await docker('rm', '-f', a, b, c);
    await docker('network', 'rm', 'green-a');
    assert.deepEqual(
      (await leftovers(t.stack)).routers.sort(),
      ['docker-vrf-green', 'docker-vrf-purple'],
      'green-b still uses the green router',
    );
    await docker('network', 'rm', 'green-b', 'purple');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('publishes a port on the host with -p', async () => {
    await t.netCreate('pub', '--subnet', '10.51.0.0/24');
    await t.run('pub', ['-p', '127.0.0.1:18080:8080'], ['nc', '-ll', '-p', '8080', '-e', 'echo', 'hello from ovn']);
    let reply = '';
    // The listener starts a moment after `docker run` returns.
    for (let i = 0; i < 50 && !reply.includes('hello'); i++) {
      reply = await readFrom('127.0.0.1', 18080).catch(() => '');
      if (!reply) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(reply.trim(), 'hello from ovn');
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('reaches an address outside OVN from a normal network, never from an internal one', async () => {
    // A host-side veth stands in for "the outside".
    await exec('ip', ['link', 'add', 'ovnte2e0', 'type', 'veth', 'peer', 'name', 'ovnte2e1']);
    try {
      await exec('ip', ['addr', 'add', '192.0.2.1/24', 'dev', 'ovnte2e0']);
      await exec('ip', ['link', 'set', 'ovnte2e0', 'up']);
      await t.netCreate('outside', '--subnet', '10.52.0.0/24');
      await t.netCreate('closed', '--internal', '--subnet', '10.53.0.0/24');
      const open = await t.run('outside');
      const closed = await t.run('closed');
      await ping(open, '192.0.2.1');
      await assert.rejects(ping(closed, '192.0.2.1'), /failed/);
      await ping(closed, await t.ipOf(closed, 'closed'));
    } finally {
      await exec('ip', ['link', 'del', 'ovnte2e0']);
    }
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
