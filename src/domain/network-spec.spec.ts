import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../protocol/errors';
import type { CreateNetworkRequest } from '../protocol/network.dto';
import { hostVrf, parseNetworkSpec as parseOn } from './network-spec';

const CHASSIS = 'host-a';
const parseNetworkSpec = (r: CreateNetworkRequest) => parseOn(r, () => CHASSIS);

const ID = 'a'.repeat(64);
function req(over: Partial<CreateNetworkRequest> = {}): CreateNetworkRequest {
  return {
    NetworkID: ID,
    Options: { 'com.docker.network.generic': { vrf: 'blue' }, 'com.docker.network.enable_ipv6': false },
    IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.40.0.0/24', Gateway: '10.40.0.1/24' }],
    IPv6Data: [],
    ...over,
  };
}

describe(parseOn.name, () => {
  it('parses the request dockerd sends', () => {
    const s = parseNetworkSpec(req());
    assert.equal(s.vrf, 'blue');
    assert.equal(s.ipv4.subnet.cidr, '10.40.0.0/24');
    assert.equal(s.ipv4.gateway, '10.40.0.1');
    assert.equal(s.ipv6, undefined);
    assert.equal(s.internal, false);
  });

  it('defaults the vrf and accepts Go nulls', () => {
    const s = parseNetworkSpec(req({ Options: null, IPv6Data: null, IPv4Data: [{ AddressSpace: 'ovn-local', Pool: '10.40.0.0/24' }] }));
    assert.equal(s.vrf, 'default');
    assert.equal(s.mtu, undefined);
    assert.equal(s.dockerIpam, false);
    assert.equal(s.chassis, CHASSIS);
  });

  it("puts a network without -o vrf whose addresses come from Docker's IPAM in this host's own vrf", () => {
    const docker = parseNetworkSpec(req({ Options: null }));
    assert.equal(docker.dockerIpam, true);
    assert.equal(docker.vrf, 'local.host-a');
    assert.equal(docker.isolated, true);
    // Swarm's managers allocate a swarm network's addresses for the whole cluster (GlobalDefault, and a
    // swarm NetworkID): one pool on every node, so the network is shared, not this host's.
    const global = { IPv4Data: [{ AddressSpace: 'GlobalDefault', Pool: '10.40.0.0/24' }], Options: null };
    const swarm = parseNetworkSpec(req({ ...global, NetworkID: '0123456789abcdefghijklmno' }));
    assert.deepEqual([swarm.vrf, swarm.dockerIpam], ['default', false]);
    // A global-scope network made by an engine outside a swarm: its own IPAM hands GlobalDefault out per host.
    const unswarmed = parseNetworkSpec(req(global));
    assert.deepEqual([unswarmed.vrf, unswarmed.dockerIpam], ['local.host-a', true]);
    // Naming a vrf, or another IPAM (shared or of unknown reach), keeps the vrf as it was.
    assert.equal(parseNetworkSpec(req()).vrf, 'blue');
    assert.throws(() => parseNetworkSpec(req({ Options: { 'com.docker.network.generic': { vrf: null } } })), /vrf null must be/);
    assert.equal(parseNetworkSpec(req({ Options: null, IPv4Data: [{ AddressSpace: 'infoblox', Pool: '10.40.0.0/24' }] })).vrf, 'default');
    // system-ids are often UUIDs: too long for a vrf name, so a digest stands in; still a valid vrf.
    const uuid = hostVrf('0f8e3c1a-7d2b-4c5e-9a6f-1b2c3d4e5f60');
    assert.match(uuid, /^local\.[0-9a-f]{12}$/);
    assert.equal(uuid, hostVrf('0f8e3c1a-7d2b-4c5e-9a6f-1b2c3d4e5f60'));
    assert.notEqual(uuid, hostVrf('0f8e3c1a-7d2b-4c5e-9a6f-1b2c3d4e5f61'));
    assert.equal(parseOn(req({ Options: null }), () => '0f8e3c1a-7d2b-4c5e-9a6f-1b2c3d4e5f60').vrf, uuid);
  });

  it("isolates a network without -o vrf from the vrf's other subnets; naming a vrf asks for routing", () => {
    const opts = (generic: Record<string, string>) => parseNetworkSpec(req({ Options: { 'com.docker.network.generic': generic } }));
    assert.equal(opts({}).isolated, true);
    assert.equal(opts({ vrf: 'default' }).isolated, false);
    assert.equal(opts({ isolated: 'false' }).isolated, false);
    assert.equal(opts({ vrf: 'blue', isolated: 'true' }).isolated, true);
    assert.throws(() => opts({ isolated: 'yes' }), /isolated "yes" must be true or false/);
  });

  it('reads the ingress mode, open by default', () => {
    assert.equal(parseNetworkSpec(req()).ingress, 'open');
    assert.equal(parseNetworkSpec(req({ Options: { 'com.docker.network.generic': { ingress: 'exposed' } } })).ingress, 'exposed');
    assert.throws(
      () => parseNetworkSpec(req({ Options: { 'com.docker.network.generic': { ingress: 'some' } } })),
      /ingress "some" must be one of open, exposed, closed/,
    );
  });

  it('reads mtu, internal and an IPv6 pool', () => {
    const s = parseNetworkSpec(
      req({
        Options: { 'com.docker.network.generic': { mtu: '1400' }, 'com.docker.network.internal': true },
        IPv6Data: [{ Pool: 'fd00:41::/64', Gateway: 'fd00:41::1/64' }],
      }),
    );
    assert.equal(s.mtu, 1400);
    assert.equal(s.internal, true);
    assert.equal(s.ipv6?.subnet.cidr, 'fd00:41::/64');
    assert.equal(s.ipv6?.gateway, 'fd00:41::1');
  });

  it('refuses an unknown option, listing the supported ones', () => {
    assert.throws(
      () => parseNetworkSpec(req({ Options: { 'com.docker.network.generic': { colour: 'red' } } })),
      (e: unknown) => {
        assert.ok(e instanceof BadRequestError);
        assert.match(e.message, /unknown option "colour"; supported options: vrf .*mtu/);
        return true;
      },
    );
  });

  it("takes Docker's own enable_ipv4/enable_ipv6 among the -o options, which dockerd 27+ reads and leaves there", () => {
    const generic = { vrf: 'blue', 'com.docker.network.enable_ipv6': 'true', 'com.docker.network.enable_ipv4': 'true' };
    const s = parseNetworkSpec(
      req({
        Options: { 'com.docker.network.generic': generic, 'com.docker.network.enable_ipv6': true },
        IPv6Data: [{ AddressSpace: 'LocalDefault', Pool: 'fd00:42::/64', Gateway: 'fd00:42::1/64' }],
      }),
    );
    assert.equal(s.vrf, 'blue');
    assert.equal(s.ipv6?.subnet.cidr, 'fd00:42::/64');
    // 28.0's unsolicited ARP/NA settings, checked by libnetwork for every driver.
    const advertise = { vrf: 'blue', 'com.docker.network.advertise_addr_nmsgs': '2', 'com.docker.network.advertise_addr_ms': '500' };
    assert.equal(parseNetworkSpec(req({ Options: { 'com.docker.network.generic': advertise } })).vrf, 'blue');
  });

  it('refuses bad vrf names, bad mtu, a gateway outside the pool, no pool, two pools', () => {
    const bad: Partial<CreateNetworkRequest>[] = [
      { Options: { 'com.docker.network.generic': { vrf: 'a b' } } },
      { Options: { 'com.docker.network.generic': { vrf: 'x'.repeat(33) } } },
      { Options: { 'com.docker.network.generic': { mtu: '12' } } },
      { Options: { 'com.docker.network.generic': { mtu: 'big' } } },
      // -o values are strings: no hex, no padding, no objects coerced by String()/Number()
      { Options: { 'com.docker.network.generic': { mtu: '0x578' } } },
      { Options: { 'com.docker.network.generic': { mtu: ' 1400' } } },
      { Options: { 'com.docker.network.generic': { mtu: 1400.5 } } },
      { Options: { 'com.docker.network.generic': { 'com.docker.network.driver.mtu': '9999999' } } },
      { Options: { 'com.docker.network.generic': { mtu: '1400', 'com.docker.network.driver.mtu': '1450' } } },
      { Options: { 'com.docker.network.generic': { vrf: { toString: 'blue' } } } },
      { Options: { 'com.docker.network.generic': { vrf: ['blue'] } } },
      // option names are checked as own keys: these are on every object's prototype
      { Options: { 'com.docker.network.generic': { toString: 'v' } } },
      { Options: { 'com.docker.network.generic': { constructor: 'v' } } },
      { IPv4Data: [{ Pool: '10.40.0.0/24', Gateway: '10.41.0.1/24' }] },
      { IPv4Data: [] },
      { IPv4Data: [{ Pool: '10.40.0.0/24' }, { Pool: '10.41.0.0/24' }] },
      { IPv4Data: [{ Pool: 'fd00::/64' }] },
    ];
    for (const over of bad) assert.throws(() => parseNetworkSpec(req(over)), BadRequestError, JSON.stringify(over));
  });

  it("takes Docker's own MTU option (com.docker.network.driver.mtu) as mtu, as compose files for bridge and overlay pass it", () => {
    const mtuOf = (generic: Record<string, string>) => parseNetworkSpec(req({ Options: { 'com.docker.network.generic': generic } })).mtu;
    assert.equal(mtuOf({ 'com.docker.network.driver.mtu': '1400' }), 1400);
    assert.equal(mtuOf({ mtu: '1400', 'com.docker.network.driver.mtu': '1400' }), 1400, 'both, alike');
    assert.throws(
      () => mtuOf({ mtu: '1400', 'com.docker.network.driver.mtu': '1450' }),
      (e: Error) => e instanceof BadRequestError && /mtu 1400 and com.docker.network.driver.mtu 1450 disagree/.test(e.message),
    );
  });

  it('accepts a network without gateway', () => {
    assert.equal(parseNetworkSpec(req({ IPv4Data: [{ Pool: '10.40.0.0/24' }] })).ipv4.gateway, undefined);
  });
});
