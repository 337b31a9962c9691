import { BadRequestError } from '../protocol/errors';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowMatch, endpointPolicy, exposedPorts, EXPOSED_PORTS } from './policy';

const LSP = 'ep1';

test("dockerd's exposed ports become one match per protocol, with ICMP echo", () => {
  const policy = endpointPolicy(
    {
      [EXPOSED_PORTS]: [
        { Proto: 6, Port: 9000 },
        { Proto: 6, Port: 80 },
        { Proto: 17, Port: 53 },
        { Proto: 6, Port: 80 },
      ],
    },
    'exposed',
  );
  assert.deepEqual(policy, {
    mode: 'exposed',
    ports: [
      { proto: 'tcp', port: 80 },
      { proto: 'tcp', port: 9000 },
      { proto: 'udp', port: 53 },
    ],
    from: [],
  });
  assert.equal(
    allowMatch(LSP, policy!),
    'outport == "ep1" && (tcp.dst == {80, 9000} || udp.dst == {53} || icmp4.type == 8 || icmp6.type == 128)',
  );
});

test('an open network puts no policy on an endpoint unless its driver options ask', () => {
  assert.equal(endpointPolicy({ [EXPOSED_PORTS]: [{ Proto: 6, Port: 80 }], 'com.docker.network.portmap': [] }, 'open'), undefined);
  assert.deepEqual(endpointPolicy({ ingress: 'exposed' }, 'open'), { mode: 'exposed', ports: [], from: [] });
  assert.equal(allowMatch(LSP, { mode: 'exposed', ports: [], from: [] }), 'outport == "ep1" && (icmp4.type == 8 || icmp6.type == 128)');
});

test('driver options override the network: closed lets nothing new in, ingress-from limits the sources', () => {
  const closed = endpointPolicy({ ingress: 'closed', [EXPOSED_PORTS]: [{ Proto: 6, Port: 80 }] }, 'exposed');
  assert.equal(allowMatch(LSP, closed!), undefined);
  const from = endpointPolicy({ 'ingress-from': '10.1.0.7/24, fd00::/64,10.2.0.9' }, 'open');
  assert.deepEqual(from, { mode: 'open', ports: [], from: ['10.1.0.0/24', '10.2.0.9/32', 'fd00::/64'] });
  assert.equal(allowMatch(LSP, from!), 'outport == "ep1" && (ip4.src == {10.1.0.0/24, 10.2.0.9/32} || ip6.src == {fd00::/64}) && (ip)');
  assert.equal(endpointPolicy({ ingress: 'open' }, 'exposed'), undefined);
});

test('unknown driver options and modes are refused, naming what is supported', () => {
  assert.throws(() => endpointPolicy({ ingres: 'closed' }, 'open'), /unknown endpoint driver option "ingres"; supported: ingress/);
  assert.throws(() => endpointPolicy({ ingress: 'shut' }, 'open'), /must be one of open, exposed, closed/);
  for (const bad of ['not-a-cidr', '10.94.2.0/', '10.94.2.0/40', 'fd00::/200', '10.0.0.0/abc', '10.0.0.0/8/8', '10.0.0.300'])
    assert.throws(
      () => endpointPolicy({ 'ingress-from': `10.1.0.0/24,${bad}` }, 'open'),
      (err: Error) => err instanceof BadRequestError && err.message.includes(`"${bad}" is not an address or CIDR`),
      bad,
    );
});

test('exposed ports dockerd could not mean are skipped', () => {
  assert.deepEqual(exposedPorts([{ Proto: 6, Port: 0 }, { Proto: 1, Port: 8 }, { Proto: 132, Port: 38412 }, null]), [
    { proto: 'sctp', port: 38412 },
  ]);
  assert.deepEqual(exposedPorts(null), []);
});
