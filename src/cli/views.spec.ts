import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { driverChecks, GENEVE_OVERHEAD, orphansCheck, ovnControllerCheck, reconcilerLimitsCheck } from './doctor';
import { endpointCells, endpointRows, table, toDot, toMermaid, topology, type DatabaseView } from './views';

const db: DatabaseView = {
  Chassis: 'host-1',
  Host: { SystemId: 'host-1', EncapIp: '192.0.2.1' },
  Routers: [{ Name: 'docker-vrf-blue', Vrf: 'blue', Ports: [] }],
  Networks: [
    {
      NetworkID: 'aaaaaaaaaaaaaaaa',
      Vrf: 'blue',
      Subnet: '10.0.0.0/24',
      Mtu: 1500,
      LogicalSwitch: { Name: 'docker-net-a' },
      Endpoints: [
        {
          EndpointID: 'e1e1e1e1e1e1e1e1',
          LogicalSwitchPort: { Name: 'lsp-1', Up: true },
          Address: '10.0.0.2/24',
          Chassis: 'host-1',
          OvsInterface: { Name: 'veth1', OvnInstalled: true },
        },
        { EndpointID: 'e2e2e2e2e2e2e2e2', LogicalSwitchPort: { Name: 'lsp-2', Up: false }, Address: '10.0.0.3/24', Chassis: 'host-2' },
      ],
    },
  ],
};

describe('CLI views', () => {
  it("filters endpoints by id prefix, and says ovn-installed only of this host's (another host's OVS is not read here)", () => {
    assert.deepEqual(
      endpointRows(db, ['e2e2']).map((r) => [r.lsp, r.chassis, r.up, r.installed, r.ovsPort]),
      [['lsp-2', 'host-2', false, undefined, '']],
    );
    assert.equal(endpointCells(endpointRows(db, ['e2e2'])[0]!).at(-1), '-');
    const local = { ...db, Chassis: 'host-2' };
    assert.deepEqual(
      endpointRows(local).map((r) => [r.lsp, r.installed]),
      [
        ['lsp-1', undefined],
        ['lsp-2', false],
      ],
    );
  });

  it('links switches to their vrf router and groups endpoints by chassis in dot and mermaid', () => {
    const t = topology(db);
    assert.equal(t.switches[0]!.router, 'docker-vrf-blue');
    const dot = toDot(t);
    assert.match(dot, /n_docker_vrf_blue -- n_docker_net_a;/);
    assert.match(dot, /subgraph cluster_n_host_2 \{/);
    assert.match(toMermaid(t), /subgraph n_chassis_host_1\["chassis host-1"\]/);
    const named = { ...t, endpoints: t.endpoints.map((e) => ({ ...e, container: `box-${e.id}` })) };
    assert.match(toMermaid(named), /n_lsp_1\["box-lsp-1 10\.0\.0\.2\/24 up\/installed"\]/);
  });

  it('pads table columns', () => {
    assert.equal(table(['A', 'BB'], [['xyz', '1']]), 'A    BB\nxyz  1');
  });
});

describe('doctor checks', () => {
  it('fails a missing encap ip with a fix, and only warns about an MTU too big for Geneve', () => {
    const noEncap = { ...db, Host: { SystemId: 'host-1' }, Networks: [{ ...db.Networks[0]!, Mtu: 1500 }] };
    const checks = driverChecks({ nb: 'ready', ovs: 'ready' }, noEncap, { Bridge: 'br-int', UUID: 'u' }, 1500);
    const encap = checks.find((c) => c.name === 'encap ip set')!;
    assert.equal(encap.ok, false);
    assert.match(encap.fix!, /ovn-encap-ip/);
    const mtu = checks.find((c) => c.name === 'MTU fits Geneve')!;
    assert.deepEqual([mtu.ok, mtu.warning], [false, true]);
    assert.ok(
      driverChecks({ nb: 'ready', ovs: 'ready' }, noEncap, undefined, 1500 + GENEVE_OVERHEAD).find((c) => c.name === 'MTU fits Geneve')!.ok,
    );
  });

  it('counts the tunnel over an IPv6 underlay (78 bytes of Geneve) when the encap address is IPv6', () => {
    const v6 = { ...db, Host: { SystemId: 'host-1', EncapIp: 'fd00::1' }, Networks: [{ ...db.Networks[0]!, Mtu: 1442 }] };
    const mtu = driverChecks({ nb: 'ready', ovs: 'ready' }, v6, { Bridge: 'br-int', UUID: 'u' }, 1500).find(
      (c) => c.name === 'MTU fits Geneve',
    )!;
    assert.deepEqual([mtu.ok, mtu.warning], [false, true]);
    assert.match(mtu.fix!, /-o mtu=1422/);
  });

  it('leaves the bridge and chassis checks out while the OVS session is not ready (their fixes would be wrong)', () => {
    const empty = { ...db, Host: {} };
    const names = driverChecks({ nb: 'ready', ovs: 'connecting' }, empty, undefined, 1500).map((c) => c.name);
    assert.deepEqual(names, ['NB reachable', 'OVS reachable', 'MTU fits Geneve']);
  });

  it('tells an NB server too old for the driver from an unreachable one', () => {
    const [old] = driverChecks(
      { nb: 'connecting', ovs: 'ready', nbError: 'OVN Northbound DB (tcp:x) cannot be used: …' },
      undefined,
      undefined,
      1500,
    );
    assert.match(old!.fix!, /^upgrade the OVN central/);
  });

  it('says why a session is not connected, as /readyz reports it', () => {
    const [nb, ovs] = driverChecks(
      { nb: 'reconnecting', ovs: 'ready', nbError: 'connect ECONNREFUSED 10.0.0.10:6641' },
      undefined,
      undefined,
      1500,
    );
    assert.deepEqual([nb!.ok, nb!.detail], [false, 'NB session reconnecting: connect ECONNREFUSED 10.0.0.10:6641']);
    assert.deepEqual([ovs!.ok, ovs!.detail], [true, 'session ready']);
  });

  it('reports ovn-controller not running from a pidfile naming no process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'doctor-'));
    assert.equal(ovnControllerCheck(dir).ok, false);
    writeFileSync(path.join(dir, 'ovn-controller.pid'), `${process.pid}\n`);
    assert.equal(ovnControllerCheck(dir).ok, true);
    writeFileSync(path.join(dir, 'ovn-controller.pid'), '999999999\n');
    assert.match(ovnControllerCheck(dir).fix!, /start ovn-controller/);
    // Another PID namespace (the managed plugin): no such process here, but its control socket is there.
    writeFileSync(path.join(dir, 'ovn-controller.999999999.ctl'), '');
    assert.equal(ovnControllerCheck(dir).ok, true);
    rmSync(dir, { recursive: true });
  });

  it('warns about orphans while the reconciler runs and fails with it off, turning it on (or the by-hand removal) as the fix', () => {
    const none = { ovsPorts: [], veths: [], logicalPorts: [], reconcileIntervalS: 60 };
    assert.equal(orphansCheck(none, 'br-int').ok, true);
    const some = { ...none, ovsPorts: [{ ifaceId: 'x', portName: 'ovn0123456789ab' }], veths: ['ovnfedcba987654'] };
    const warn = orphansCheck(some, 'br-int');
    assert.deepEqual([warn.ok, warn.warning], [false, true]);
    assert.match(warn.detail, /OVS port ovn0123456789ab, veth ovnfedcba987654 \(the reconciler mends them within 120 s\)/);
    assert.equal(warn.fix, 'wait for the reconciler');
    const net = orphansCheck({ ...none, networks: [{ networkId: 'abcdef0123456789', switchName: 'docker-blue-10.0.0.0_24' }] }, 'br-int');
    assert.match(net.detail, /^network abcdef012345 \(switch docker-blue-10\.0\.0\.0_24\) \(the reconciler mends them within 120 s\)/);
    const off = orphansCheck({ ...some, reconcileIntervalS: 0 }, 'br-int');
    assert.deepEqual([off.ok, off.warning], [false, false]);
    assert.match(
      off.fix!,
      /^turn the reconciler on \(OVN_DRIVER_RECONCILE_INTERVAL_S=60\).*; by hand: ovs-vsctl del-port br-int ovn0123456789ab; ip link del ovnfedcba987654$/,
    );
    const unplugged = orphansCheck(
      {
        ...none,
        reconcileIntervalS: 0,
        unplugged: [
          { endpointId: 'fedcba9876543210', networkId: 'n1', portName: 'ovnfedcba987654', sandboxKey: '/var/run/docker/netns/0123abcd' },
        ],
      },
      'br-int',
    );
    assert.match(unplugged.detail, /^running endpoint fedcba987654 without its OVS port \(veth ovnfedcba987654\)/);
    assert.match(
      unplugged.fix!,
      /ovs-vsctl add-port br-int ovnfedcba987654 -- set Interface ovnfedcba987654 external_ids:iface-id=fedcba9876543210 'external_ids:docker-ovn\\:owner=docker-ovn-driver' 'external_ids:docker-ovn\\:network-id=n1' 'external_ids:docker-ovn\\:sandbox-key=\/var\/run\/docker\/netns\/0123abcd' external_ids:vm-id=0123abcd$/,
    );
    const netOff = orphansCheck(
      { ...none, reconcileIntervalS: 0, networks: [{ networkId: 'abcdef0123456789', switchName: 'docker-blue-10.0.0.0_24' }] },
      'br-int',
    );
    assert.match(
      netOff.fix!,
      /ovn-nbctl remove Logical_Switch docker-blue-10\.0\.0\.0_24 external_ids docker-ovn:network:abcdef0123456789 /,
    );
  });

  it("fails on a running container's interface without its logical port, and warns when dockerd cannot be asked", () => {
    const none = { ovsPorts: [], veths: [], logicalPorts: [], reconcileIntervalS: 60 };
    assert.equal(reconcilerLimitsCheck(none).ok, true);
    const stranded = reconcilerLimitsCheck({ ...none, stranded: [{ portName: 'ovn0123456789ab' }] });
    assert.deepEqual([stranded.ok, stranded.warning], [false, undefined]);
    assert.match(stranded.detail, /veth ovn0123456789ab/);
    assert.match(stranded.fix!, /docker network disconnect NET CONTAINER; docker network connect NET CONTAINER/);
    const away = reconcilerLimitsCheck({ ...none, dockerUnreachable: '/var/run/docker.sock: connect ECONNREFUSED' });
    assert.deepEqual([away.ok, away.warning], [false, true]);
    assert.match(away.detail, /dockerd cannot be asked \(\/var\/run\/docker\.sock: connect ECONNREFUSED\)/);
    assert.equal(reconcilerLimitsCheck(undefined).warning, true);
  });
});
