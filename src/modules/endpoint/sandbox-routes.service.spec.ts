import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Logger } from '@nestjs/common';
import { SandboxRouteOps, type SandboxState } from '../host/sandbox-route-ops';
import type { LocalSwitchRepository } from '../ovn/local-switch.repository';
import type { NorthboundRepository } from '../ovn/northbound.repository';
import type { EndpointRecord } from '../ovn/ovn.model';
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

describe(SandboxRoutesService.name, () => {
  it('warns, with the reason, when a routed sandbox never becomes a namespace', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    try {
      const nb = {
        findNetwork: () => ({ vrf: 'blue' }),
        vrfSubnets: () => [{ subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }],
      } as unknown as NorthboundRepository;
      const ovs = { ownedPorts: () => [] } as unknown as LocalSwitchRepository;
      const service = new SandboxRoutesService(nb, ovs, new UnreadableSandbox());
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
});
