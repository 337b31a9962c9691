/**
 * Rows of the names the driver gives its switches and routers, made by someone else (by hand, another tool):
 * CreateNetwork refuses at once, naming the row, instead of retrying a create-if-absent that can never
 * succeed until "kept changing; try again"; and leaves NB as it was. The driver process on a real stack.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { Stack } from '../harness/stack';
import { leftovers, NOTHING } from '../e2e/leftovers';

const id = () => randomBytes(32).toString('hex');

describe('rows named like the driver would name its own', () => {
  let stack: Stack;
  let driver: DriverProcess;

  before(async () => {
    stack = await Stack.up();
    driver = await DriverProcess.start({ stack, env: { OVN_DRIVER_RECONCILE_INTERVAL_S: '0' } });
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  const create = (vrf: string, subnet: string) =>
    driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: id(),
      Options: { 'com.docker.network.generic': { vrf } },
      IPv4Data: [{ AddressSpace: 'ovn', Pool: `${subnet}.0/24`, Gateway: `${subnet}.1/24` }],
      IPv6Data: [],
    });

  for (const [kind, made, vrf, subnet] of [
    ['a switch', ['ls-add', 'docker-clash-10.91.0.0_24'], 'clash', '10.91.0'],
    ['a router', ['lr-add', 'docker-vrf-clash2'], 'clash2', '10.92.0'],
  ] as const) {
    it(`refuses a network at once when ${kind} not of its own holds the name it would take, naming it`, async () => {
      await stack.nbctl(...made);
      try {
        const t0 = Date.now();
        const r = await create(vrf, subnet);
        assert.equal(r.status, 409, r.raw);
        assert.match((r.body as { Err: string }).Err, new RegExp(`already has a Logical_(Switch|Router) named ${made[1]} \\(`));
        assert.ok(Date.now() - t0 < 2000, `answered after ${Date.now() - t0} ms`);
        assert.deepEqual(await leftovers(stack), NOTHING);
      } finally {
        await stack.nbctl(made[0] === 'ls-add' ? 'ls-del' : 'lr-del', made[1]);
      }
    });
  }
});
