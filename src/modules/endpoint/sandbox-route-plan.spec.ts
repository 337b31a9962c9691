import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSandboxRoutes, type SandboxEndpoint, type VrfSubnet } from './sandbox-route-plan';

const A: SandboxEndpoint = { networkId: 'a', vrf: 'x', subnet: '10.87.1.0/24', gateway: '10.87.1.1' };
const B: SandboxEndpoint = { networkId: 'b', vrf: 'x', subnet: '10.87.2.0/24', gateway: '10.87.2.1' };
const P: SandboxEndpoint = { networkId: 'p', vrf: 'y', subnet: '10.88.1.0/24', gateway: '10.88.1.1' };
const VRFS: Record<string, VrfSubnet[]> = {
  x: [{ subnet: '10.87.1.0/24' }, { subnet: '10.87.2.0/24' }, { subnet: '10.87.3.0/24' }],
  y: [{ subnet: '10.88.1.0/24' }, { subnet: '10.88.2.0/24' }],
};
const vrfs = (vrf: string) => VRFS[vrf] ?? [];

describe('planSandboxRoutes', () => {
  it('routes the other subnets of the vrf via the gateway of the network the sandbox is on', () => {
    const plan = planSandboxRoutes([A], vrfs, { addresses: ['10.87.1.5/24'], routes: [] });
    assert.deepEqual(plan, {
      add: [
        { destination: '10.87.2.0/24', via: '10.87.1.1' },
        { destination: '10.87.3.0/24', via: '10.87.1.1' },
      ],
      remove: [],
    });
  });

  it('routes nothing through an isolated network, and takes routes made earlier through it away', () => {
    const isolated = { ...A, isolated: true };
    const routes = [{ destination: '10.87.2.0/24', via: '10.87.1.1' }];
    assert.deepEqual(planSandboxRoutes([isolated], vrfs, { addresses: ['10.87.1.5/24'], routes }), { add: [], remove: routes });
    // Beside a routed network of the vrf, the routes go through that one.
    const plan = planSandboxRoutes([isolated, B], vrfs, { addresses: ['10.87.1.5/24', '10.87.2.7/24'], routes: [] });
    assert.deepEqual(plan.add, [{ destination: '10.87.3.0/24', via: '10.87.2.1' }]);
  });

  it('adds nothing before dockerd has put the address in the sandbox', () => {
    assert.deepEqual(planSandboxRoutes([A], vrfs, { addresses: [], routes: [] }), { add: [], remove: [] });
  });

  it('removes the route to a subnet the container is joining, before its address arrives', () => {
    const routes = [
      { destination: '10.87.2.0/24', via: '10.87.1.1' },
      { destination: '10.87.3.0/24', via: '10.87.1.1' },
    ];
    const plan = planSandboxRoutes([A, B], vrfs, { addresses: ['10.87.1.5/24'], routes });
    assert.deepEqual(plan, { add: [], remove: [{ destination: '10.87.2.0/24', via: '10.87.1.1' }] });
  });

  it('re-routes via another network of the vrf when the one routes went through is left', () => {
    const plan = planSandboxRoutes([B], vrfs, { addresses: ['10.87.2.7/24'], routes: [] });
    assert.deepEqual(plan.add, [
      { destination: '10.87.1.0/24', via: '10.87.2.1' },
      { destination: '10.87.3.0/24', via: '10.87.2.1' },
    ]);
  });

  it('routes each vrf through its own network and never one vrf through the other', () => {
    const plan = planSandboxRoutes([A, P], vrfs, { addresses: ['10.87.1.5/24', '10.88.1.9/24'], routes: [] });
    assert.deepEqual(plan.add, [
      { destination: '10.87.2.0/24', via: '10.87.1.1' },
      { destination: '10.87.3.0/24', via: '10.87.1.1' },
      { destination: '10.88.2.0/24', via: '10.88.1.1' },
    ]);
  });

  it('keeps away from subnets of other drivers in the sandbox and drops routes the vrf no longer has', () => {
    const routes = [{ destination: '10.87.9.0/24', via: '10.87.1.1' }];
    const plan = planSandboxRoutes([A], vrfs, { addresses: ['10.87.1.5/24', '10.87.3.2/16'], routes });
    assert.deepEqual(plan, { add: [], remove: [{ destination: '10.87.9.0/24', via: '10.87.1.1' }] });
  });

  it('handles IPv6 beside IPv4', () => {
    const a6 = { ...A, subnet6: 'fd00:1::/64', gateway6: 'fd00:1::1' };
    const vrf6 = () => [{ subnet: '10.87.1.0/24', subnet6: 'fd00:1::/64' }, { subnet6: 'fd00:2::/64' }];
    const plan = planSandboxRoutes([a6], vrf6, { addresses: ['10.87.1.5/24', 'fd00:1::5/64'], routes: [] });
    assert.deepEqual(plan.add, [{ destination: 'fd00:2::/64', via: 'fd00:1::1' }]);
  });
});
