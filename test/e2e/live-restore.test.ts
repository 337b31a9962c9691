/**
 * dockerd with live-restore (`"live-restore": true` in daemon.json, which operators turn on so that an engine
 * restart or upgrade does not stop containers): while dockerd is away the containers keep running on their
 * OVN ports; when it is back it takes its running containers' endpoints and addresses back (libnetwork asks the
 * IPAM driver for each of them again), and they still reach each other, new containers start, and removing
 * everything leaves nothing behind. With Docker's IPAM and with the driver's OVN IPAM.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docker, ensureDocker, stopHarnessEngine } from '../harness/docker';
import { leftovers, NOTHING } from './leftovers';
import { useOvnDocker } from './ovn-docker';

/** Stops the harness's dockerd (and containerd unless `dockerdOnly`) and starts it again with `args`. */
async function restartEngine(args: string[], dockerdOnly = false): Promise<void> {
  await stopHarnessEngine({ dockerdOnly });
  await ensureDocker({ dockerdArgs: args });
}

describe('dockerd with live-restore (e2e)', () => {
  const t = useOvnDocker();

  it('keeps containers connected across a dockerd restart, then runs and removes as usual (Docker and OVN IPAM)', async () => {
    await restartEngine(['--live-restore']);
    try {
      assert.equal((await docker('info', '-f', '{{.LiveRestoreEnabled}}')).trim(), 'true');
      await t.netCreate('lrdocker', '--subnet', '10.73.0.0/24', '--gateway', '10.73.0.1', '-o', 'vrf=lr');
      await t.netCreate('lrovn', '--ipam-driver', t.driver.name, '--subnet', '10.74.0.0/24', '--ipam-opt', 'vrf=lr', '-o', 'vrf=lr');
      const boxes = { lrdocker: [await t.run('lrdocker'), await t.run('lrdocker')], lrovn: [await t.run('lrovn'), await t.run('lrovn')] };
      const started = async (id: string) => (await docker('inspect', '-f', '{{.State.Running}} {{.State.StartedAt}}', id)).trim();
      const before = new Map<string, string>();
      for (const id of Object.values(boxes).flat()) before.set(id, await started(id));
      const ips = new Map<string, string>();
      for (const [net, ids] of Object.entries(boxes)) for (const id of ids) ips.set(id, await t.ipOf(id, net));

      await restartEngine(['--live-restore'], true);

      for (const [id, state] of before) assert.equal(await started(id), state, `${id} kept running, not restarted`);
      for (const [net, [a, b]] of Object.entries(boxes)) {
        assert.equal(await t.ipOf(a!, net), ips.get(a!));
        await docker('exec', a!, 'ping', '-c', '1', '-W', '2', ips.get(b!)!);
      }
      // Across the vrf: both networks have vrf=lr.
      await docker('exec', boxes.lrdocker[0]!, 'ping', '-c', '1', '-W', '2', ips.get(boxes.lrovn[0]!)!);
      // A new container gets an address of its own on each network, and reaches the restored ones.
      for (const [net, ids] of Object.entries(boxes)) {
        const fresh = await t.run(net);
        const ip = await t.ipOf(fresh, net);
        assert.ok(!ids.some((id) => ips.get(id) === ip), `${ip} on ${net} is new`);
        await docker('exec', fresh, 'ping', '-c', '1', '-W', '2', ips.get(ids[0]!)!);
      }
      await t.cleanup();
      assert.deepEqual(await leftovers(t.stack), NOTHING);
    } finally {
      await t.cleanup().catch(() => undefined);
      // The other files expect an engine that stops its containers when it stops.
      await restartEngine([]);
    }
  });
});
