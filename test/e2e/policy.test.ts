/**
 * Ingress policy and vrf isolation with real containers: `-o ingress=exposed` lets in only the ports a
 * container exposes (and ping), replies flow back, endpoint driver options override the network, denied
 * packets show in ovn-controller's log, networks without -o vrf are isolated from each other, and all of
 * it survives driver and ovn-controller restarts and goes with the networks.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { kill } from '../harness/daemons';
import { docBlock } from '../harness/doc-blocks';
import { BUSYBOX_IMAGE, docker } from '../harness/docker';
import { run as exec, waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { LABEL, useOvnDocker } from './ovn-docker';

/** A server answering "open" on 8080 and "secret" on 9090; it exposes 8080 only. */
const SERVER = ['sh', '-c', 'nc -ll -p 8080 -e echo open & nc -ll -p 9090 -e echo secret & wait'];

/** What `nc` in `from` reads from ip:port; throws when the connection is refused or times out. */
async function fetch(from: string, ip: string, port: number): Promise<string> {
  return (await docker('exec', from, 'nc', '-w', '2', ip, String(port))).trim();
}
/** The listeners start a moment after `docker run` returns. */
const fetchSoon = (from: string, ip: string, port: number) =>
  waitFor(async () => (await fetch(from, ip, port).catch(() => '')) !== '', {
    timeoutMs: 10_000,
    intervalMs: 200,
    what: `${from} → ${ip}:${port}`,
  }).then(() => fetch(from, ip, port));
const ping = (container: string, ip: string) => docker('exec', container, 'ping', '-c', '1', '-W', '2', ip);
const routesIn = async (c: string) => (await docker('exec', c, 'ip', 'route')).split('\n');

describe('ingress policy and isolation (e2e)', () => {
  const t = useOvnDocker();

  it('lets in exposed ports and ping, refuses the rest, and lets replies back to a closed client', async () => {
    await t.netCreate('pol', '--subnet', '10.120.0.0/24', '--gateway', '10.120.0.1', '-o', 'ingress=exposed');
    const server = await t.run('pol', ['--expose', '8080'], SERVER);
    const client = await t.run('pol', [], ['sh', '-c', 'nc -ll -p 7070 -e echo client & wait']);
    const ip = await t.ipOf(server, 'pol');
    // The client is under the same policy with nothing exposed: the answer it gets is a reply.
    assert.equal(await fetchSoon(client, ip, 8080), 'open');
    await assert.rejects(fetch(client, ip, 9090), 'an unexposed port is refused');
    await ping(client, ip);
    // Nothing new reaches the client, which listens on 7070 but exposes nothing, not even from the server.
    assert.equal(await fetchSoon(client, '127.0.0.1', 7070), 'client');
    await assert.rejects(fetch(server, await t.ipOf(client, 'pol'), 7070));
    // The driver's rows: one group with the deny, the track and one allow per endpoint, a meter for the log.
    const l = await leftovers(t.stack);
    assert.equal(l.portGroups.length, 1);
    assert.equal(l.acls.filter((a) => a.startsWith('docker-deny-')).length, 1);
    assert.equal(l.acls.filter((a) => a.startsWith('docker-track-')).length, 1);
    assert.equal(l.acls.filter((a) => a.startsWith('docker-allow-')).length, 2);
    assert.equal(l.meters.length, 2, 'a meter and its band');
    // ovn-controller logs the denied SYN to 9090 (ACL log=true, severity info, rate-limited by the meter).
    const log = path.join(t.stack.dir, 'ovn-controller.log');
    await waitFor(
      async () => /name="docker-deny-[0-9a-f]{12}", verdict=drop, severity=info.*tp_dst=9090/.test(await readFile(log, 'utf8')),
      {
        timeoutMs: 5000,
        what: 'the denied flow in ovn-controller.log',
      },
    );

    // The policy lives in NB, not in the driver or ovn-controller: both restart without a gap in it.
    await t.driver.stop();
    await t.driver.spawn();
    const restartController = await kill(t.stack, 'ovn-controller.pid');
    await restartController();
    assert.equal(await fetchSoon(client, ip, 8080), 'open');
    await assert.rejects(fetch(client, ip, 9090), 'still refused after the restarts');
    assert.deepEqual((await leftovers(t.stack)).acls.length, 4, 'the reconciler kept the policy rows');

    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('takes per-endpoint overrides from --driver-opt: closed, open, and only from one subnet', async () => {
    await t.netCreate('po-a', '--subnet', '10.121.1.0/24', '--gateway', '10.121.1.1', '-o', 'vrf=po', '-o', 'ingress=exposed');
    await t.netCreate('po-b', '--subnet', '10.121.2.0/24', '--gateway', '10.121.2.1', '-o', 'vrf=po');
    const onA = await t.run('po-a');
    const onB = await t.run('po-b');
    // As docker compose does it for a service network's driver_opts: create, connect with options, start.
    const server = async (name: string, opt: string) => {
      await docker('create', '--label', LABEL, '--name', name, '--expose', '8080', '--net', 'none', BUSYBOX_IMAGE, ...SERVER);
      await docker('network', 'disconnect', 'none', name);
      await docker('network', 'connect', '--driver-opt', opt, 'po-a', name);
      await docker('start', name);
      return t.ipOf(name, 'po-a');
    };
    const closed = await server('po-closed', 'ingress=closed');
    const open = await server('po-open', 'ingress=open');
    const fromA = await server('po-from-a', 'ingress-from=10.121.1.0/24');
    assert.equal(await fetchSoon(onA, open, 9090), 'secret', 'ingress=open lets everything in');
    await assert.rejects(fetch(onA, closed, 8080), 'ingress=closed refuses even exposed ports');
    await assert.rejects(ping(onA, closed));
    assert.equal(await fetchSoon(onA, fromA, 8080), 'open');
    // po-b reaches po-a through the vrf router, but not this container.
    await waitFor(async () => (await routesIn(onB)).some((r) => r.startsWith('10.121.1.0/24')), { what: 'the route to po-a' });
    assert.equal(await fetchSoon(onB, open, 8080), 'open', 'po-b is routed to po-a');
    await assert.rejects(fetch(onB, fromA, 8080), 'ingress-from refuses other subnets');
    await assert.rejects(
      docker('network', 'connect', '--driver-opt', 'ingres=closed', 'po-a', onB),
      /unknown endpoint driver option "ingres"/,
    );
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('lets replies back to a closed container alone on an open network (no allow on its switch)', async () => {
    await t.netCreate('pc', '--subnet', '10.123.0.0/24', '--gateway', '10.123.0.1');
    const server = await t.run('pc', ['--expose', '8080'], SERVER);
    await docker('create', '--label', LABEL, '--name', 'pc-closed', '--net', 'none', BUSYBOX_IMAGE, 'sleep', '600');
    await docker('network', 'disconnect', 'none', 'pc-closed');
    await docker('network', 'connect', '--driver-opt', 'ingress=closed', 'pc', 'pc-closed');
    await docker('start', 'pc-closed');
    const ip = await t.ipOf(server, 'pc');
    // The closed container's own connections and pings get their answers: they are replies.
    assert.equal(await fetchSoon('pc-closed', ip, 9090), 'secret');
    await ping('pc-closed', ip);
    // New connections to it are refused, from the open server too.
    await assert.rejects(ping(server, await t.ipOf('pc-closed', 'pc')));
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it("lets an exposed container's ports in on its second network and on an --internal one, where CreateEndpoint has none", async () => {
    await t.netCreate('px-1', '--subnet', '10.124.1.0/24', '--gateway', '10.124.1.1');
    await t.netCreate('px-2', '--subnet', '10.124.2.0/24', '--gateway', '10.124.2.1', '-o', 'ingress=exposed');
    await t.netCreate('px-3', '--internal', '--subnet', '10.124.3.0/24', '-o', 'ingress=exposed');
    const server = await t.run('px-1', ['--expose', '8080'], SERVER);
    await docker('network', 'connect', 'px-2', server);
    await docker('network', 'connect', 'px-3', server);
    for (const net of ['px-2', 'px-3']) {
      const client = await t.run(net);
      const ip = await t.ipOf(server, net);
      assert.equal(await fetchSoon(client, ip, 8080), 'open', `8080 on ${net}`);
      await assert.rejects(fetch(client, ip, 9090), `9090 on ${net} is refused`);
    }
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('isolates networks made without -o vrf from each other, and routes them on request', async () => {
    await t.netCreate('iso-1', '--subnet', '10.122.1.0/24', '--gateway', '10.122.1.1');
    await t.netCreate('iso-2', '--subnet', '10.122.2.0/24', '--gateway', '10.122.2.1');
    await t.netCreate('iso-3', '--subnet', '10.122.3.0/24', '--gateway', '10.122.3.1', '-o', 'isolated=false');
    await t.netCreate('iso-4', '--subnet', '10.122.4.0/24', '--gateway', '10.122.4.1', '-o', 'isolated=false');
    const [c1, c2, c3, c4] = [await t.run('iso-1'), await t.run('iso-2'), await t.run('iso-3'), await t.run('iso-4')];
    await waitFor(async () => (await routesIn(c3)).some((r) => r.startsWith('10.122.4.0/24')), { what: 'the route to iso-4' });
    // Isolated subnets are routed neither from nor to: c1 has no route at all, c3 none to iso-1 or iso-2.
    assert.deepEqual(
      (await routesIn(c1)).filter((r) => r.startsWith('10.122.') && r.includes(' via ')),
      [],
      'no route through an isolated network',
    );
    assert.deepEqual(
      (await routesIn(c3)).filter((r) => /^10\.122\.[12]\.0\/24 via /.test(r)),
      [],
      'no route to an isolated subnet',
    );
    await ping(c1, '10.122.1.1');
    await ping(c3, await t.ipOf(c4, 'iso-4'));
    await assert.rejects(ping(c1, await t.ipOf(c2, 'iso-2')), /failed/);
    await assert.rejects(ping(c3, await t.ipOf(c1, 'iso-1')), /failed/);
    await assert.rejects(ping(c2, await t.ipOf(c4, 'iso-4')), /failed/);
    assert.equal((await leftovers(t.stack)).routerPolicies.length, 2);
    // The same subnet again must agree on isolation: it would be the same switch.
    await assert.rejects(t.netCreate('iso-1b', '--subnet', '10.122.1.0/24', '--gateway', '10.122.1.1', '-o', 'isolated=false'), /isolated/);
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it("runs the README's policy and isolation examples as written", async () => {
    // The README says `-d ovn`; this driver runs under a test name. TCP needs no help on the userspace
    // datapath: the driver turns checksum offload off on each container's veth.
    const script = (id: string) => `${docBlock(id).replaceAll(' -d ovn ', ` -d ${t.driver.name} `)}`;
    try {
      await exec('bash', ['-euo', 'pipefail', '-c', script('policy')]);
      await exec('bash', ['-euo', 'pipefail', '-c', script('policy-override')]);
      await exec('bash', ['-euo', 'pipefail', '-c', script('isolation')]);
    } finally {
      await exec('bash', ['-uo', 'pipefail', '-c', script('policy-cleanup')]);
      // The isolation block cleans up after itself, unless it failed half-way.
      await exec('bash', ['-c', 'docker rm -f a1 b1; docker network rm project-a project-b; true']);
    }
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
