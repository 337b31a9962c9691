/**
 * What dockerd does while the driver cannot answer (the plugin disabled for an upgrade, the driver
 * restarting): it stops containers and removes networks all the same, logging the driver's error after
 * 15 s of retries per call (moby pkg/plugins client.go, callWithRetry). The driver's reconciler removes
 * what that left in NB and OVS once it is back, so the next container can have the address.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docker } from '../harness/docker';
import { waitFor } from '../harness/stack';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

describe('while the driver is away (e2e)', () => {
  const t = useOvnDocker({ OVN_DRIVER_RECONCILE_INTERVAL_S: '1' });

  it('a container and a network removed meanwhile leave nothing once it is back, and the address is free again', async () => {
    await t.netCreate('away', '--subnet', '10.43.0.0/24', '--gateway', '10.43.0.1');
    await t.netCreate('away-spare', '--subnet', '10.44.0.0/24', '--gateway', '10.44.0.1');
    const [a, b] = [await t.run('away'), await t.run('away')];
    const [ipA, ipB] = [await t.ipOf(a, 'away'), await t.ipOf(b, 'away')];

    await t.driver.stop('SIGKILL');
    await Promise.all([docker('rm', '-f', b), docker('network', 'rm', 'away-spare')]);
    await t.driver.spawn();

    const endpointPorts = (ports: string[]) => ports.filter((p) => /^[0-9a-f]{64}$/.test(p));
    await waitFor(
      async () => {
        const state = await leftovers(t.stack);
        return endpointPorts(state.ports).length === 1 && state.ovsPorts.length === 1 && state.switches.length === 1;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: "the reconciler to remove b's ports and the removed network's switch" },
    );
    // Each log line follows its removal by a moment.
    await waitFor(
      () =>
        /reconciler removed an endpoint dockerd no longer knows/.test(t.driver.logs) &&
        /reconciler removed a network dockerd no longer has/.test(t.driver.logs),
      { timeoutMs: 5_000, intervalMs: 100, what: "the reconciler's log lines" },
    );
    // Without that, OVN would still hold b's address and refuse it to the next container (ADDRESS_IN_USE).
    const c = await t.run('away', ['--ip', ipB]);
    await docker('exec', c, 'ping', '-c', '1', '-W', '2', ipA);
    await t.cleanup();
    assert.deepEqual(await leftovers(t.stack), NOTHING);
  });
});
