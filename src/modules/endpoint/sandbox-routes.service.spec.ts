import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import type { LinkOps } from '../host/link-ops';
import { SandboxRouteOps, type SandboxState } from '../host/sandbox-route-ops';
import type { LocalSwitchRepository } from '../ovn/local-switch.repository';
import type { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord } from '../ovn/ovn.model';
import { vethNames } from './interface-names';
import { SandboxRoutesService } from './sandbox-routes.service';

/** A sandbox whose namespace never becomes readable: what a driver sees when dockerd's mount does not reach it. */
class UnreadableSandbox extends SandboxRouteOps {
  read(): Promise<SandboxState | undefined> {
    return Promise.resolve(undefined);
  }
  apply(): Promise<void> {
    return Promise.reject(new Error('nothing to apply to'));
  }
  override diagnose(sandboxKey: string): Promise<string | undefined> {
    return Promise.resolve(`${sandboxKey} exists but is no network namespace`);
  }
}

/** A sandbox that holds the address once asked `readyAfter` times; counts its reads and what it applied. */
class CountingSandbox extends SandboxRouteOps {
  reads = 0;
  applied: { add: unknown[]; remove: unknown[] }[] = [];
  read(): Promise<SandboxState | undefined> {
    this.reads++;
    return Promise.resolve({ addresses: ['10.1.0.5/24'], routes: [] });
  }
  apply(_key: string, change: { add: unknown[]; remove: unknown[] }): Promise<void> {
    this.applied.push(change);
    return Promise.resolve();
  }
}

const SANDBOX = '/var/run/docker/netns/0123456789ab';

/** Advances the mocked clock, then lets the promises it released run. */
async function tick(ms: number): Promise<void> {
  mock.timers.tick(ms);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** A started service whose NB reports the vrf changes the test makes (`vrfChanged`), on one routed network. */
function onVrfChanges(ovs: LocalSwitchRepository, sandbox: SandboxRouteOps) {
  let changed: (initial: boolean) => void = () => undefined;
  const nb = {
    onVrfChange: (fn: (initial: boolean) => void) => (changed = fn),
    findNetwork: () => ({ networkId: 'n', vrf: 'blue', isolated: false, subnet: '10.1.0.0/24', gateway: '10.1.0.1' }),
    findEndpoint: () => ({ networkId: 'n', address: '10.1.0.5/24' }),
    vrfSubnets: () => [{ subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }],
  } as unknown as NorthboundRepository;
  const service = new SandboxRoutesService(nb, ovs, sandbox, { listLinks: () => Promise.resolve(['lo']) } as unknown as LinkOps);
  service.onApplicationBootstrap();
  return { service, vrfChanged: (initial: boolean) => changed(initial) };
}

describe(SandboxRoutesService.name, () => {
  it('routes the subnet of a network just left, whose address dockerd takes out of the sandbox only after Leave', async () => {
    const nets: Record<string, object> = {
      a: { networkId: 'a', vrf: 'blue', isolated: false, subnet: '10.1.0.0/24', gateway: '10.1.0.1' },
      b: { networkId: 'b', vrf: 'blue', isolated: false, subnet: '10.2.0.0/24', gateway: '10.2.0.1' },
    };
    const nb = {
      findNetwork: (id: string) => nets[id],
      findEndpoint: (id: string) => ({ networkId: id }),
      vrfSubnets: () => [{ subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }],
    } as unknown as NorthboundRepository;
    // B's port is gone from OVS (Leave detached it); its address is still in the namespace.
    const ovs = { ownedPorts: () => [{ sandboxKey: SANDBOX, ifaceId: 'a' }] } as unknown as LocalSwitchRepository;
    const sandbox = new (class extends CountingSandbox {
      override read(): Promise<SandboxState | undefined> {
        return Promise.resolve({ addresses: ['10.1.0.5/24', '10.2.0.5/24'], routes: [] });
      }
    })();
    const service = new SandboxRoutesService(nb, ovs, sandbox, { listLinks: () => Promise.resolve(['lo']) } as unknown as LinkOps);
    service.afterLeave(SANDBOX, ['10.2.0.0/24']);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(sandbox.applied, [{ add: [{ destination: '10.2.0.0/24', via: '10.1.0.1' }], remove: [] }]);
  });

  it("leaves a sandbox on isolated networks alone (compose's default): no look into it at Join or Leave", async () => {
    const nets: Record<string, object> = {
      front: { networkId: 'front', vrf: 'default', isolated: true, subnet: '10.1.0.0/24', gateway: '10.1.0.1' },
      back: { networkId: 'back', vrf: 'default', isolated: true, subnet: '10.2.0.0/24', gateway: '10.2.0.1' },
    };
    const nb = {
      findNetwork: (id: string) => nets[id],
      findEndpoint: (id: string) => ({ networkId: id }),
      vrfSubnets: () => [],
    } as unknown as NorthboundRepository;
    const ovs = {
      ownedPorts: () => [
        { sandboxKey: SANDBOX, ifaceId: 'front' },
        { sandboxKey: SANDBOX, ifaceId: 'back' },
      ],
    } as unknown as LocalSwitchRepository;
    const sandbox = new CountingSandbox();
    const service = new SandboxRoutesService(nb, ovs, sandbox, { listLinks: () => Promise.resolve(['lo']) } as unknown as LinkOps);
    const back = { networkId: 'back', endpointId: 'b'.repeat(64), lspName: 'back', address: '10.2.0.5/24' } as EndpointRecord;
    await service.beforeJoin(SANDBOX, back);
    service.afterJoin(SANDBOX, back);
    service.afterLeave(SANDBOX, ['10.2.0.0/24']);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(sandbox.reads, 0);

    // A routed network beside them: its routes must make way for the subnet joined, so the sandbox is read.
    nets.front = { ...nets.front, vrf: 'blue', isolated: false };
    await service.beforeJoin(SANDBOX, back);
    assert.equal(sandbox.reads, 1);
  });

  it('never fails a Join over its routes: a database gone meanwhile is logged', () => {
    const nb = {
      findNetwork: () => {
        throw new Error('OVN Northbound DB is not connected');
      },
    } as unknown as NorthboundRepository;
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    try {
      const service = new SandboxRoutesService(nb, {} as LocalSwitchRepository, new CountingSandbox(), {} as LinkOps);
      const joined = { networkId: 'a', endpointId: 'e'.repeat(64), lspName: 'e', address: '10.1.0.5/24' } as EndpointRecord;
      assert.doesNotThrow(() => service.afterJoin(SANDBOX, joined));
      assert.match(String(warn.mock.calls[0]?.arguments[0]), /after Join of e+: OVN Northbound DB is not connected/);
    } finally {
      warn.mock.restore();
    }
  });

  it("enters the sandbox only once the container's end of the veth has left this namespace", async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const key = '/var/run/docker/netns/0123456789ab';
      const nb = {
        findNetwork: () => ({ networkId: 'n', vrf: 'blue', isolated: false, subnet: '10.1.0.0/24', gateway: '10.1.0.1' }),
        findEndpoint: () => ({ networkId: 'n' }),
        vrfSubnets: () => [{ subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }],
      } as unknown as NorthboundRepository;
      const ovs = { ownedPorts: () => [{ sandboxKey: key, ifaceId: 'e' }] } as unknown as LocalSwitchRepository;
      const sandbox = new CountingSandbox();
      const peer = vethNames('e'.repeat(64)).peer;
      let links = ['lo', peer];
      const service = new SandboxRoutesService(nb, ovs, sandbox, { listLinks: () => Promise.resolve(links) } as unknown as LinkOps);
      const joined = {
        networkId: 'n',
        endpointId: 'e'.repeat(64),
        lspName: 'e',
        address: '10.1.0.5/24',
        vrf: 'blue',
      } as unknown as EndpointRecord;
      service.afterJoin(key, joined);
      const tick = async (ms: number) => {
        mock.timers.tick(ms);
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      };
      for (let i = 0; i < 50; i++) await tick(10);
      assert.equal(sandbox.reads, 0, 'no nsenter while dockerd has not moved the veth');
      links = ['lo'];
      for (let i = 0; i < 3; i++) await tick(10);
      assert.equal(sandbox.reads, 2, 'one look for the address, one by the sync');
      assert.deepEqual(sandbox.applied, [{ add: [{ destination: '10.2.0.0/24', via: '10.1.0.1' }], remove: [] }]);
      service.onApplicationShutdown();
    } finally {
      mock.timers.reset();
    }
  });

  it('warns, with the reason, when a routed sandbox never becomes a namespace', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    try {
      const nb = {
        findNetwork: () => ({ vrf: 'blue' }),
        vrfSubnets: () => [{ subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }],
      } as unknown as NorthboundRepository;
      // The joined port, recorded in its sandbox by Join.
      const ovs = {
        ownedPorts: () => [{ sandboxKey: '/var/run/docker/netns/0123456789ab', ifaceId: 'e' }],
      } as unknown as LocalSwitchRepository;
      const service = new SandboxRoutesService(nb, ovs, new UnreadableSandbox(), {
        listLinks: () => Promise.resolve([]),
      } as unknown as LinkOps);
      const joined = { networkId: 'n', endpointId: 'e', lspName: 'e', address: '10.1.0.5/24' } as unknown as EndpointRecord;
      service.afterJoin('/var/run/docker/netns/0123456789ab', joined);
      for (let i = 0; i < 400 && warn.mock.callCount() === 0; i++) {
        mock.timers.tick(500);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0]!.arguments[0]), /0123456789ab: routes .* not set 60 s after Join: .*is no network namespace/);
      service.onApplicationShutdown();
    } finally {
      warn.mock.restore();
      mock.timers.reset();
    }
  });

  it('puts off a resync while the local OVS DB is not ready, instead of rejecting unhandled, and runs it once it is', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    const debug = mock.method(Logger.prototype, 'debug', () => undefined);
    try {
      let ovsReady = false;
      const ovs = {
        ownedPorts: () => {
          if (!ovsReady) throw new Error('local Open_vSwitch DB is not connected');
          return [{ sandboxKey: SANDBOX, ifaceId: 'e' }];
        },
      } as unknown as LocalSwitchRepository;
      const sandbox = new CountingSandbox();
      const { service, vrfChanged } = onVrfChanges(ovs, sandbox);
      vrfChanged(true);
      await tick(100);
      await tick(2_000);
      assert.equal(sandbox.reads, 0);
      assert.equal(warn.mock.callCount(), 1, 'one warning for the streak');
      assert.match(String(warn.mock.calls[0]?.arguments[0]), /resync put off 2 s: local Open_vSwitch DB is not connected/);
      assert.ok(debug.mock.callCount() >= 1, 'the retries at debug');
      ovsReady = true;
      await tick(2_000);
      assert.equal(sandbox.reads, 1, 'the put-off resync ran once OVS was back');
      await tick(10_000);
      assert.equal(sandbox.reads, 1, 'and stopped retrying');
      service.onApplicationShutdown();
    } finally {
      warn.mock.restore();
      debug.mock.restore();
      mock.timers.reset();
    }
  });

  it('runs one sweep at a time: changes during one make a single sweep after it', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const ovs = { ownedPorts: () => [{ sandboxKey: SANDBOX, ifaceId: 'e' }] } as unknown as LocalSwitchRepository;
      let release: () => void = () => undefined;
      const sandbox = new (class extends CountingSandbox {
        override read(): Promise<SandboxState | undefined> {
          this.reads++;
          return new Promise((resolve) => (release = () => resolve({ addresses: ['10.1.0.5/24'], routes: [] })));
        }
      })();
      const { service, vrfChanged } = onVrfChanges(ovs, sandbox);
      vrfChanged(true);
      await tick(100);
      assert.equal(sandbox.reads, 1, 'the first sweep is in the sandbox');
      for (let i = 0; i < 3; i++) {
        vrfChanged(i === 0);
        await tick(100);
      }
      assert.equal(sandbox.reads, 1, 'no second sweep while the first runs');
      release();
      await tick(0); // the first sweep ends, and schedules the next
      await tick(100);
      assert.equal(sandbox.reads, 2, 'one sweep for the three changes');
      release();
      await tick(1_000);
      assert.equal(sandbox.reads, 2);
      service.onApplicationShutdown();
    } finally {
      mock.timers.reset();
    }
  });

  it('looks again after a failed look (an `ip` timing out under load), and gives up after a few', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    try {
      const ovs = { ownedPorts: () => [{ sandboxKey: SANDBOX, ifaceId: 'e' }] } as unknown as LocalSwitchRepository;
      const run = async (failing: number) => {
        const sandbox = new (class extends CountingSandbox {
          override read(): Promise<SandboxState | undefined> {
            return ++this.reads <= failing ? Promise.reject(new Error('nsenter timed out')) : super.read().then(() => this.state());
          }
          state(): SandboxState {
            return { addresses: ['10.1.0.5/24'], routes: [] };
          }
        })();
        const { service } = onVrfChanges(ovs, sandbox);
        service.afterJoin(SANDBOX, { networkId: 'n', endpointId: 'e'.repeat(64), lspName: 'e', address: '10.1.0.5/24' } as EndpointRecord);
        for (let i = 0; i < 100; i++) await tick(200);
        service.onApplicationShutdown();
        return sandbox;
      };
      const recovered = await run(2);
      assert.deepEqual(recovered.applied, [{ add: [{ destination: '10.2.0.0/24', via: '10.1.0.1' }], remove: [] }]);
      assert.equal(warn.mock.callCount(), 0);
      const broken = await run(Infinity);
      assert.equal(broken.reads, 5, 'five looks, then given up');
      assert.match(String(warn.mock.calls[0]?.arguments[0]), /after Join of e+: nsenter timed out/);
    } finally {
      warn.mock.restore();
      mock.timers.reset();
    }
  });

  it('stops looking into a sandbox once its endpoint has left (a container that exited at once)', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      let ports = [{ sandboxKey: SANDBOX, ifaceId: 'e' }];
      const ovs = { ownedPorts: () => ports } as unknown as LocalSwitchRepository;
      // The address never shows (the container is gone): only leaving ends the looks before their minute.
      const sandbox = new (class extends CountingSandbox {
        override read(): Promise<SandboxState | undefined> {
          this.reads++;
          return Promise.resolve(undefined);
        }
      })();
      const { service } = onVrfChanges(ovs, sandbox);
      service.afterJoin(SANDBOX, {
        networkId: 'n',
        endpointId: 'e'.repeat(64),
        lspName: 'e',
        address: '10.1.0.5/24',
        vrf: 'blue',
      } as unknown as EndpointRecord);
      for (let i = 0; i < 20; i++) await tick(100);
      const looks = sandbox.reads;
      assert.ok(looks > 0, 'it looked while the endpoint was there');
      ports = [];
      for (let i = 0; i < 100; i++) await tick(500);
      assert.ok(sandbox.reads <= looks + 1, `${sandbox.reads - looks} looks after the endpoint left`);
      service.onApplicationShutdown();
    } finally {
      mock.timers.reset();
    }
  });
});
