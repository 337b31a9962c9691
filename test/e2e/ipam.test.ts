/**
 * The driver as dockerd's IPAM driver (--ipam-driver): allocations live in NB, so the same subnet can
 * live in two vrfs on one host, and dual-stack networks work end to end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docker } from '../harness/docker';
import { allocatedInNb } from '../harness/ipam-nb';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

const ping = (container: string, ip: string) => docker('exec', container, 'ping', '-c', '1', '-W', '2', ip);

describe('OVN IPAM (e2e)', () => {
  const t = useOvnDocker();
  const withIpam = (name: string, ...args: string[]) => t.netCreate(name, '--ipam-driver', t.driver.name, ...args);

  it('allocates from NB: containers get addresses, --ip is honoured, the pool goes with the network', async () => {
    await withIpam('ipam1', '--subnet', '10.60.0.0/24', '--gateway', '10.60.0.1', '--ip-range', '10.60.0.64/26');
    const a = await t.run('ipam1');
    const b = await t.run('ipam1', ['--ip', '10.60.0.7']);
    const ipA = await t.ipOf(a, 'ipam1');
    assert.equal(ipA, '10.60.0.64');
    assert.equal(await t.ipOf(b, 'ipam1'), '10.60.0.7');
    assert.deepEqual(await allocatedInNb(t.stack, 'ovn-local|10.60.0.0/24'), ['10.60.0.1', '10.60.0.64', '10.60.0.7']);
    await ping(b, ipA);
    await ping(a, '10.60.0.1');
    await docker('rm', '-f', a, b);
    await docker('network', 'rm', 'ipam1');
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('keeps the same subnet in two vrfs apart (overlapping subnets, no ping across)', async () => {
    await withIpam('vx', '--subnet', '10.70.0.0/24', '--ipam-opt', 'vrf=x', '-o', 'vrf=x');
    await withIpam('vy', '--subnet', '10.70.0.0/24', '--ipam-opt', 'vrf=y', '-o', 'vrf=y');
    const x1 = await t.run('vx');
    const x2 = await t.run('vx');
    const y1 = await t.run('vy');
    // Both vrfs hand out the same first address: they are separate pools on separate switches.
    assert.equal(await t.ipOf(x1, 'vx'), await t.ipOf(y1, 'vy'));
    const ipX2 = await t.ipOf(x2, 'vx');
    await ping(x1, ipX2);
    await assert.rejects(ping(y1, ipX2), /failed/);
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });

  it('gives dual-stack networks: both addresses in the port, containers ping over IPv6', async () => {
    await withIpam('dual', '--ipv6', '--subnet', '10.80.0.0/24', '--subnet', 'fd00:80::/64');
    const a = await t.run('dual');
    const b = await t.run('dual');
    const ip6 = (await docker('inspect', '-f', '{{(index .NetworkSettings.Networks "dual").GlobalIPv6Address}}', b)).trim();
    assert.equal(ip6, 'fd00:80::3', 'after the gateway (::1) and the first container (::2)');
    const lsp = (
      await t.stack.nbctl(
        '--bare',
        '--columns=addresses',
        'find',
        'Logical_Switch_Port',
        `external_ids:docker-ovn\\:address6="fd00:80::3/64"`,
      )
    ).trim();
    assert.match(lsp, /^[0-9a-f:]{17} 10\.80\.0\.\d+ fd00:80::3$/);
    await ping(a, ip6);
    await ping(a, 'fd00:80::1');
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
