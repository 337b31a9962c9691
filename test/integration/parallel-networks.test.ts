/**
 * Networks of one vrf created and removed at once, as `docker compose up` and `down` do with a project's
 * networks: the vrf's router comes with the first and goes with the last, whatever the order the NB
 * transactions land in. The driver process on a real stack, spoken to over its socket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { Stack } from '../harness/stack';

const id = () => randomBytes(32).toString('hex');

describe('networks of one vrf created and removed in parallel', () => {
  let stack: Stack;
  let driver: DriverProcess;

  before(async () => {
    stack = await Stack.up();
    driver = await DriverProcess.start({ stack });
  });

  after(async () => {
    await driver?.stop();
    await stack?.down();
  });

  const owned = async (table: string) =>
    (await stack.nbctl('--bare', '--columns=name', 'find', table, 'external_ids:docker-ovn\\:owner=docker-ovn-driver'))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();

  it('leaves one router with a port per network while they exist, and nothing once all are removed', async () => {
    for (let round = 0; round < 5; round++) {
      const nets = [1, 2, 3].map((n) => ({ id: id(), subnet: `10.97.${round * 10 + n}` }));
      const created = await Promise.all(
        nets.map((n) =>
          driver.post('/NetworkDriver.CreateNetwork', {
            NetworkID: n.id,
            Options: { 'com.docker.network.generic': { vrf: 'parallel' } },
            IPv4Data: [{ AddressSpace: 'ovn', Pool: `${n.subnet}.0/24`, Gateway: `${n.subnet}.1/24` }],
            IPv6Data: [],
          }),
        ),
      );
      for (const r of created) assert.equal(r.status, 200, `round ${round}: ${r.raw}`);
      assert.deepEqual(await owned('Logical_Router'), ['docker-vrf-parallel'], `round ${round}: one router`);
      assert.equal(
        (await stack.nbctl('--bare', '--columns=ports', 'find', 'Logical_Router', 'name=docker-vrf-parallel')).trim().split(/\s+/).length,
        3,
        `round ${round}: a port per network`,
      );

      const removed = await Promise.all(nets.map((n) => driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: n.id })));
      for (const r of removed) assert.equal(r.status, 200, `round ${round}: ${r.raw}`);
      for (const table of ['Logical_Switch', 'Logical_Switch_Port', 'Logical_Router', 'Logical_Router_Port']) {
        assert.deepEqual(await owned(table), [], `round ${round}: no ${table} left`);
      }
    }
  });
});
