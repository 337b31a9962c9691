/**
 * Containers on several networks: live `docker network connect`/`disconnect`, networks of two vrfs, a
 * network added to the vrf later, a compose-shaped app (networks joined before the container starts),
 * and the README's multi-network example. Routes to the vrf's other networks are kept by the driver
 * inside each container; none may ever collide with a network the container joins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docBlock } from '../harness/doc-blocks';
import { BUSYBOX_IMAGE, docker } from '../harness/docker';
import { run, waitFor } from '../harness/stack';
import { LABEL, useOvnDocker } from './ovn-docker';
import { leftovers, NOTHING } from './leftovers';

const ping = (container: string, target: string) => docker('exec', container, 'ping', '-c', '1', '-W', '2', target);
/** Routes to a vrf's other networks arrive a moment after the container's interface does. */
const pingSoon = (container: string, target: string) =>
  waitFor(() => ping(container, target).then(() => true), { timeoutMs: 10_000, intervalMs: 200, what: `${container} → ${target}` });
const refused = (container: string, target: string) => assert.rejects(ping(container, target), /failed|100% packet loss/);

/** The container's routing table, one route per line. */
async function routesIn(container: string): Promise<string[]> {
  return (await docker('exec', container, 'ip', 'route'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

describe('containers on several networks (e2e)', () => {
  const t = useOvnDocker();

  it('connects and disconnects a second and third network of one vrf, live', async () => {
    await t.netCreate('mn-a', '--subnet', '10.87.1.0/24', '--gateway', '10.87.1.1', '-o', 'vrf=mn');
    await t.netCreate('mn-b', '--subnet', '10.87.2.0/24', '--gateway', '10.87.2.1', '-o', 'vrf=mn');
    await t.netCreate('mn-c', '--subnet', '10.87.3.0/24', '--gateway', '10.87.3.1', '-o', 'vrf=mn');
    const [peerA, peerB, peerC] = [await t.run('mn-a'), await t.run('mn-b'), await t.run('mn-c')];
    const [ipA, ipB, ipC] = [await t.ipOf(peerA, 'mn-a'), await t.ipOf(peerB, 'mn-b'), await t.ipOf(peerC, 'mn-c')];
    const v = await t.run('mn-a');
    await pingSoon(v, ipB);
    assert.ok(
      (await routesIn(v)).some((r) => r.startsWith('10.87.2.0/24 via 10.87.1.1')),
      'routed to mn-b through the vrf router',
    );

    await docker('network', 'connect', 'mn-b', v);
    await docker('network', 'connect', 'mn-c', v);
    const routes: string[] = await waitFor(
      async () => {
        const rs = await routesIn(v);
        return rs.some((r) => r.includes('metric 4000')) ? undefined : rs;
      },
      { what: 'no routes of the driver left once every subnet is connected' },
    );
    for (const subnet of ['10.87.1.0/24', '10.87.2.0/24', '10.87.3.0/24']) {
      assert.equal(routes.filter((r) => r.startsWith(subnet)).length, 1, `one route to ${subnet}: ${routes.join('; ')}`);
    }
    for (const peer of [ipA, ipB, ipC]) await ping(v, peer);
    await ping(peerB, await t.ipOf(v, 'mn-b'));
    await ping(peerC, await t.ipOf(v, 'mn-c'));

    await docker('network', 'disconnect', 'mn-b', v);
    // Still in the vrf through mn-a or mn-c, but no longer on mn-b: its traffic goes via a gateway.
    await pingSoon(v, ipB);
    const after = await routesIn(v);
    assert.ok(
      after.some((r) => /^10\.87\.2\.0\/24 via 10\.87\.[13]\.1 .*metric 4000/.test(r)),
      after.join('; '),
    );
    assert.ok(!after.some((r) => r.startsWith('10.87.2.0/24') && r.includes('scope link')), 'no connected route to mn-b left');
    await docker('network', 'disconnect', 'mn-c', v);
    await docker('network', 'disconnect', 'mn-a', v);
    assert.deepEqual(
      (await routesIn(v)).filter((r) => r.includes('10.87.')),
      [],
      'nothing of ours left in the container',
    );
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('puts a container on networks of two vrfs and a bridge network without joining the vrfs', async () => {
    await t.netCreate('mn-x1', '--subnet', '10.88.1.0/24', '--gateway', '10.88.1.1', '-o', 'vrf=mnx');
    await t.netCreate('mn-x2', '--subnet', '10.88.2.0/24', '--gateway', '10.88.2.1', '-o', 'vrf=mnx');
    await t.netCreate('mn-y1', '--subnet', '10.89.1.0/24', '--gateway', '10.89.1.1', '-o', 'vrf=mny');
    await t.netCreate('mn-y2', '--subnet', '10.89.2.0/24', '--gateway', '10.89.2.1', '-o', 'vrf=mny');
    const x2 = await t.run('mn-x2');
    const y2 = await t.run('mn-y2');
    const [ipX2, ipY2] = [await t.ipOf(x2, 'mn-x2'), await t.ipOf(y2, 'mn-y2')];
    // A bridge network beside them: Docker's own driver and ours in one container.
    await docker('network', 'create', '--label', LABEL, '--subnet', '10.97.0.0/24', 'mn-br');
    const onBridge = (await docker('run', '-d', '--label', LABEL, '--net', 'mn-br', BUSYBOX_IMAGE, 'sleep', '600')).trim();
    const both = await t.run('mn-x1');
    await docker('network', 'connect', 'mn-y1', both);
    await docker('network', 'connect', 'mn-br', both);
    await pingSoon(both, ipX2);
    await pingSoon(both, ipY2);
    await ping(both, await t.ipOf(onBridge, 'mn-br'));
    await ping(onBridge, await t.ipOf(both, 'mn-br'));
    await refused(x2, ipY2);
    await refused(y2, ipX2);
    await refused(x2, await t.ipOf(both, 'mn-y1'));
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('reaches a network added to the vrf after the container started, without a reconnect', async () => {
    await t.netCreate('mn-early', '--subnet', '10.90.1.0/24', '--gateway', '10.90.1.1', '-o', 'vrf=mnlate');
    const early = await t.run('mn-early');
    await t.netCreate('mn-late', '--subnet', '10.90.2.0/24', '--gateway', '10.90.2.1', '-o', 'vrf=mnlate');
    const late = await t.run('mn-late');
    await pingSoon(early, await t.ipOf(late, 'mn-late'));
    await docker('rm', '-f', late);
    await docker('network', 'rm', 'mn-late');
    await waitFor(async () => !(await routesIn(early)).some((r) => r.startsWith('10.90.2.0/24')), {
      what: 'the route to a removed network goes',
    });
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('starts a compose-shaped app whose services reach their peers by name', async () => {
    // As docker compose does it: each container is created on one network, connected to the others, then started.
    // The app's networks name their vrf: networks without one are isolated from each other.
    await t.netCreate('mn-front', '--subnet', '10.91.1.0/24', '--gateway', '10.91.1.1', '-o', 'vrf=mncompose');
    await t.netCreate('mn-back', '--subnet', '10.91.2.0/24', '--gateway', '10.91.2.1', '-o', 'vrf=mncompose');
    const create = async (name: string, net: string, more: string[] = []) => {
      await docker(
        'create',
        '--label',
        LABEL,
        '--name',
        name,
        '--net',
        net,
        '--network-alias',
        name.replace('mn-', ''),
        BUSYBOX_IMAGE,
        'sleep',
        '600',
      );
      for (const extra of more) await docker('network', 'connect', '--alias', name.replace('mn-', ''), extra, name);
      await docker('start', name);
    };
    await create('mn-db', 'mn-back');
    await create('mn-api', 'mn-front', ['mn-back']);
    await create('mn-web', 'mn-front');
    await ping('mn-web', 'api');
    await ping('mn-api', 'web');
    await ping('mn-api', 'db');
    await ping('mn-db', 'api');
    // One vrf: web reaches db's network through the vrf router, though not db's name (not on its network).
    await pingSoon('mn-web', await t.ipOf('mn-db', 'mn-back'));
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it("runs the README's multi-network example as written", async () => {
    // The README says `-d ovn`; this driver runs under a test name.
    const script = (id: string) => docBlock(id).replaceAll(' -d ovn ', ` -d ${t.driver.name} `);
    try {
      await run('bash', ['-euo', 'pipefail', '-c', script('multi-network')]);
    } finally {
      await run('bash', ['-uo', 'pipefail', '-c', script('multi-network-cleanup')]);
    }
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
