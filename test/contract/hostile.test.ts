/**
 * Hostile input: property-based (fast-check) malformed requests across every verb, through the whole app on
 * a real OVN + OVS stack. A network plugin runs as root next to dockerd: whatever arrives, the process stays
 * up, every answer is a 4xx with `{"Err": "<Verb>: ..."}` (never 200, never 5xx while the backends are up),
 * and NB, the OVS DB and the host's links are exactly as before.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BODY_LIMIT } from '../../src/core/wire-body-parser';
import { leftovers, NOTHING } from '../e2e/leftovers';
import { verb } from './fixtures';
import { SpecValidator } from './spec-validator';
import { randomId, Reply, StackApp, startStackApp, State, stateOf } from './stack-app';

type Json = Record<string, unknown>;
type Key = string | number;

/** Verbs of the protocol this build may not implement (answered 404), and paths that are no verb at all. */
const IPAM_PATHS = ['GetCapabilities', 'GetDefaultAddressSpaces', 'RequestPool', 'ReleasePool', 'RequestAddress', 'ReleaseAddress'].map(
  (v) => `/IpamDriver.${v}`,
);
const NOT_VERBS = [
  '/NetworkDriver.Frobnicate',
  '/Plugin.Deactivate',
  '/NetworkDriver.',
  '/networkdriver.createnetwork',
  '/NetworkDriver.CreateNetwork/',
  '/',
];

/** Strings aimed at IDs, paths, shells, CIDRs, IPs and MACs: each one is wrong for every typed field. */
const HOSTILE_STRINGS = [
  '../../../../etc/passwd',
  '/etc/shadow',
  'a/b',
  '$(reboot)',
  '`id`',
  '; rm -rf / #',
  '| nc 10.0.0.1 1',
  '&& true',
  `'"`,
  '\u0000',
  'x\ny',
  '%2e%2e%2f',
  'é'.repeat(64),
  '🦆'.repeat(16),
  'a'.repeat(63),
  'a'.repeat(65),
  'A'.repeat(64),
  'g'.repeat(64),
  ` ${'a'.repeat(63)}`,
  `${'a'.repeat(64)}\n`,
  `0x${'a'.repeat(62)}`,
  '10.0.0.1',
  '10.0.0.0/33',
  '300.1.1.1/24',
  '10.0.0/24',
  '10.0.0.0/',
  '/24',
  '10.0.0.0/24/1',
  '10.0.0.0 /24',
  'fd00::/129',
  'fe80::1%eth0/64',
  'fe80::1%eth0',
  '::g/64',
  '10.0.0.1/24 ',
  '1.2.3.4/-1',
  '1.2.3.4/0x18',
  '02:42:zz:00:00:01',
  '02-42-0a-00-00-01',
  '0242.0a00.0001',
  '02:42:0a:00:00',
  '02:42:0a:00:00:01:02',
  'relative/netns',
  '',
];
const WRONG_TYPES: unknown[] = [0, -1, 1.5, 1e308, true, false, null, [], [1, 'x'], {}, { a: { b: [null] } }, [[{}]], [[]], 'x'];
const DELETE = Symbol('delete');

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 4, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'a'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 100, max: 20_000 }))
      .map(([s, n]) => s.repeat(n)),
  },
  { weight: 3, arbitrary: fc.constant(DELETE) },
);

/** Every place a value can go in a request of `schema` (properties, nested objects, first list items). */
function slotsOf(spec: SpecValidator, schema: Json, prefix: Key[] = []): Key[][] {
  const branches = [schema, ...((schema.anyOf as Json[] | undefined) ?? [])];
  const object = branches.find((b) => b.properties);
  const list = branches.find((b) => b.items);
  if (list) return slotsOf(spec, list.items as Json, [...prefix, 0]);
  if (!object) return [];
  return Object.entries(object.properties as Record<string, Json>).flatMap(([k, sub]) => [
    [...prefix, k],
    ...slotsOf(spec, sub, [...prefix, k]),
  ]);
}

function setIn(body: Json, at: Key[], value: unknown): void {
  let node: Record<Key, unknown> = body;
  for (let i = 0; i < at.length - 1; i++) {
    const next = node[at[i]];
    if (!next || typeof next !== 'object') node[at[i]] = typeof at[i + 1] === 'number' ? [] : {};
    node = node[at[i]] as Record<Key, unknown>;
  }
  const last = at[at.length - 1];
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

describe('hostile input through the app on a real OVN stack', () => {
  const spec = new SpecValidator();
  let t: StackApp;
  let pristine: State;
  let baseline: State;
  let sent = 0;
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);
  const NET = randomId();
  const EP = randomId();
  const NET_REQUEST = {
    NetworkID: NET,
    Options: { 'com.docker.network.generic': { vrf: 'hostile' } },
    IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.60.0.0/24', Gateway: '10.60.0.1/24' }],
    IPv6Data: [],
  };

  /** A valid request per verb, naming the live network and endpoint: a mutation that slipped through would show in NB/OVS. */
  const bases: Record<string, Json> = {
    '/NetworkDriver.CreateNetwork': {
      ...NET_REQUEST,
      IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.60.0.0/24', Gateway: '10.60.0.1/24', AuxAddresses: { r: '10.60.0.9/24' } }],
    },
    '/NetworkDriver.AllocateNetwork': {
      NetworkID: NET,
      Options: { vrf: 'hostile' },
      IPv4Data: [{ Pool: '10.60.0.0/24', Gateway: '10.60.0.1/24' }],
    },
    '/NetworkDriver.DeleteNetwork': { NetworkID: NET },
    '/NetworkDriver.FreeNetwork': { NetworkID: NET },
    '/NetworkDriver.CreateEndpoint': {
      NetworkID: NET,
      EndpointID: EP,
      Interface: { Address: '10.60.0.2/24', AddressIPv6: '', MacAddress: '02:42:0a:3c:00:02' },
      Options: {},
    },
    '/NetworkDriver.DeleteEndpoint': { NetworkID: NET, EndpointID: EP },
    '/NetworkDriver.EndpointOperInfo': { NetworkID: NET, EndpointID: EP },
    '/NetworkDriver.Join': { NetworkID: NET, EndpointID: EP, SandboxKey: '/var/run/docker/netns/0123456789ab', Options: {} },
    '/NetworkDriver.Leave': { NetworkID: NET, EndpointID: EP },
    '/NetworkDriver.ProgramExternalConnectivity': { NetworkID: NET, EndpointID: EP, Options: {} },
    '/NetworkDriver.RevokeExternalConnectivity': { NetworkID: NET, EndpointID: EP },
    '/NetworkDriver.DiscoverNew': { DiscoveryType: 1, DiscoveryData: {} },
    '/NetworkDriver.DiscoverDelete': { DiscoveryType: 1, DiscoveryData: {} },
    '/IpamDriver.RequestPool': { AddressSpace: 'ovn-local', Pool: '10.61.0.0/24', SubPool: '10.61.0.0/25', Options: {}, V6: false },
    '/IpamDriver.ReleasePool': { PoolID: 'x' },
    '/IpamDriver.RequestAddress': { PoolID: 'x', Address: '10.61.0.5', Options: {} },
    '/IpamDriver.ReleaseAddress': { PoolID: 'x', Address: '10.61.0.5' },
  };
  const withBody = spec.operations().filter((o) => spec.requestSchema(o.path));
  const allPaths = [...new Set([...spec.operations().map((o) => o.path), ...IPAM_PATHS, ...NOT_VERBS])];

  async function send(urlPath: string, payload: string | Buffer, method = 'POST'): Promise<Reply> {
    sent++;
    return t.post(urlPath, payload, { method });
  }

  /** Non-2xx/5xx, JSON `{"Err": "<Verb>: ..."}` and nothing else, and the exact status expected. */
  function assertRefused(urlPath: string, reply: Reply, status: number, what: string): void {
    const v = /^\/[A-Za-z]+\.([A-Za-z]+)$/.exec(urlPath)?.[1] ?? urlPath;
    assert.equal(reply.status, status, `${what}: ${reply.raw.slice(0, 300)}`);
    assert.match(reply.contentType ?? '', /^application\/json/, what);
    const body = reply.body as Json;
    assert.deepEqual(Object.keys(body ?? {}), ['Err'], `${what}: ${reply.raw.slice(0, 300)}`);
    assert.equal(typeof body.Err, 'string', what);
    assert.ok((body.Err as string).startsWith(`${v}: `), `${what}: ${reply.raw.slice(0, 300)}`);
    if (spec.has(urlPath)) assert.ok(spec.checkResponse(urlPath, reply.status, body).ok, `${what}: reply matches the spec`);
  }

  before(async () => {
    process.on('uncaughtExceptionMonitor', onCrash);
    process.on('unhandledRejection', onCrash);
    t = await startStackApp();
    pristine = await stateOf(t.stack);
    // A live network with a joined endpoint: hostile requests name them, and must not touch them.
    assert.equal((await t.post('/NetworkDriver.CreateNetwork', JSON.stringify(NET_REQUEST))).status, 200);
    assert.equal((await t.post('/NetworkDriver.CreateEndpoint', JSON.stringify(bases['/NetworkDriver.CreateEndpoint']))).status, 200);
    assert.equal((await t.post('/NetworkDriver.Join', JSON.stringify(bases['/NetworkDriver.Join']))).status, 200);
    await t.stack.waitInstalled(`ovn${EP.slice(0, 12)}`);
    baseline = await stateOf(t.stack);
  });

  after(async () => {
    process.off('uncaughtExceptionMonitor', onCrash);
    process.off('unhandledRejection', onCrash);
    await t?.close();
  });

  it('has a valid base request for every verb with a body', () => {
    for (const { path: p } of withBody) {
      assert.ok(bases[p], `add a valid base request for ${p}`);
      assert.ok(spec.checkRequest(p, bases[p]).ok, `${p}: ${spec.checkRequest(p, bases[p]).errors}`);
    }
  });

  it('refuses requests the spec refuses (missing, mistyped, malformed fields; bad IDs, CIDRs, IPs, MACs; garbage) with 400', async () => {
    const slots = new Map(withBody.map((o) => [o.path, slotsOf(spec, spec.requestSchema(o.path)!)]));
    const extraField = fc.option(
      fc.tuple(fc.constantFrom('FutureField', 'networkid', 'NETWORKID', 'x-extra', ''), fc.jsonValue({ maxDepth: 2 })),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody.map((o) => o.path)),
        fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 3 }),
        extraField,
        async (urlPath, mutations, extra) => {
          const body = structuredClone(bases[urlPath]);
          const where = slots.get(urlPath)!;
          for (const [i, value] of mutations) setIn(body, where[i % where.length], value);
          if (extra) body[extra[0]] = extra[1];
          fc.pre(!spec.checkRequest(urlPath, body).ok);
          const payload = JSON.stringify(body);
          const reply = await send(urlPath, payload);
          assertRefused(urlPath, reply, Buffer.byteLength(payload) > BODY_LIMIT ? 413 : 400, `${urlPath} ${payload.slice(0, 200)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses bodies that are not a JSON object: other JSON values, invalid or truncated JSON, prototype keys, stray bytes', async () => {
    // What the driver accepts: after trimming whitespace (and a BOM, which RFC 8259 lets parsers ignore), nothing
    // (an empty body is {}) or a JSON object.
    const acceptable = (text: string) => {
      const trimmed = text.trim();
      if (trimmed === '') return true;
      try {
        const v: unknown = JSON.parse(trimmed);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      } catch {
        return false;
      }
    };
    const baseTexts = Object.values(bases).map((b) => JSON.stringify(b));
    const payload = fc.oneof(
      fc
        .jsonValue()
        .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !acceptable(s)),
      fc.constantFrom(...baseTexts).chain((s) => fc.integer({ min: 1, max: s.length - 1 }).map((n) => s.slice(0, n))),
      fc.constantFrom(...baseTexts).map((s) => `{"__proto__":{"NetworkID":"${'b'.repeat(64)}"},${s.slice(1)}`),
      fc.constantFrom(...baseTexts).map((s) => `{"constructor":{"prototype":{"isAdmin":true}},${s.slice(1)}`),
      fc.constantFrom(
        '{"Options":{"__proto__":{"x":1}}}',
        '{"IPv4Data":[{"__proto__":null}]}',
        `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
        '\uFEFF[]',
        '{}{}',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
        '{"a":01}',
      ),
      fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((bytes) => Buffer.from(bytes))
        .filter((b) => !acceptable(b.toString('utf8'))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allPaths), payload, async (urlPath, body) => {
        const reply = await send(urlPath, body);
        assertRefused(urlPath, reply, 400, `${urlPath} ${String(body).slice(0, 120)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('answers wrong methods and unknown verbs with 404 {"Err": "<Verb>: not implemented by this driver"}', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), fc.constantFrom(...allPaths), async (m, urlPath) => {
        const reply = await send(urlPath, m === 'GET' || m === 'OPTIONS' ? '' : '{}', m);
        const v = /^\/[A-Za-z]+\.([A-Za-z]+)$/.exec(urlPath)?.[1] ?? urlPath;
        assert.deepEqual(
          { status: reply.status, raw: reply.raw },
          { status: 404, raw: JSON.stringify({ Err: `${v}: not implemented by this driver` }) },
          `${m} ${urlPath}`,
        );
      }),
      { numRuns: 60 },
    );
    for (const p of NOT_VERBS) {
      const reply = await send(p, '{}');
      const v = /^\/[A-Za-z]+\.([A-Za-z]+)$/.exec(p)?.[1] ?? p;
      assert.deepEqual(
        { status: reply.status, raw: reply.raw },
        { status: 404, raw: JSON.stringify({ Err: `${v}: not implemented by this driver` }) },
        p,
      );
    }
  });

  it('refuses bodies over the size limit with 413', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allPaths), fc.integer({ min: BODY_LIMIT + 1, max: 2 * BODY_LIMIT }), async (urlPath, size) => {
        const payload = `{"NetworkID":"${'a'.repeat(size)}"}`;
        const reply = await send(urlPath, payload);
        assertRefused(urlPath, reply, 413, `${urlPath} ${size} bytes`);
      }),
      { numRuns: 8 },
    );
  });

  it('refuses CreateNetwork requests the spec allows but the driver cannot honour with 400, before touching NB', async () => {
    const VRF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
    const third = fc.integer({ min: 0, max: 254 });
    const pool = fc.tuple(fc.integer({ min: 11, max: 99 }), third).map(([a, b]) => ({ a, b, cidr: `${a}.${b}.0.0/24` }));
    const generic = (g: Json) => ({ 'com.docker.network.generic': g });
    const request = fc.oneof(
      pool.map(({ a, b, cidr }) => ({ Options: {}, IPv4Data: [{ Pool: cidr, Gateway: `${a}.${b}.1.1/24` }] })),
      fc.integer({ min: 1, max: 0xffff }).map((n) => ({ IPv4Data: [{ Pool: `fd00:${n.toString(16)}::/64` }] })),
      pool.map(({ cidr }) => ({ IPv4Data: [{ Pool: cidr }], IPv6Data: [{ Pool: cidr }] })),
      fc.tuple(pool, pool).map(([p, q]) => ({ IPv4Data: [{ Pool: p.cidr }, { Pool: q.cidr }] })),
      fc.constantFrom([], null).map((v) => ({ IPv4Data: v, IPv6Data: [{ Pool: 'fd00:62::/64' }] })),
      fc
        .tuple(
          pool,
          fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== 'vrf' && k !== 'mtu'),
        )
        .map(([p, k]) => ({ IPv4Data: [{ Pool: p.cidr }], Options: generic(Object.fromEntries([[k, 'v']])) })),
      fc
        .tuple(
          pool,
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 40 }).filter((v) => !VRF.test(v)),
            fc.constantFrom(...HOSTILE_STRINGS, ...WRONG_TYPES).filter((v) => typeof v !== 'string' || !VRF.test(v)),
          ),
        )
        .map(([p, vrf]) => ({ IPv4Data: [{ Pool: p.cidr }], Options: generic({ vrf }) })),
      fc
        .tuple(
          pool,
          fc.oneof(
            fc.string({ maxLength: 8 }).filter((m) => !/^\d{1,5}$/.test(m) || Number(m) < 68 || Number(m) > 65535),
            fc.constantFrom(0, 67, 65536, 1400.5, -1, '0x578', ' 1400', '1e3', null, true, [], {}),
          ),
        )
        .map(([p, mtu]) => ({ IPv4Data: [{ Pool: p.cidr }], Options: generic({ mtu }) })),
      fc
        .tuple(pool, fc.constantFrom('x', 1, [], true, [{}]))
        .map(([p, g]) => ({ IPv4Data: [{ Pool: p.cidr }], Options: { 'com.docker.network.generic': g } })),
    );
    await fc.assert(
      fc.asyncProperty(request, async (partial) => {
        const body = { NetworkID: randomId(), ...partial };
        assert.ok(spec.checkRequest('/NetworkDriver.CreateNetwork', body).ok, `meant to pass the spec: ${JSON.stringify(body)}`);
        const reply = await send('/NetworkDriver.CreateNetwork', JSON.stringify(body));
        assertRefused('/NetworkDriver.CreateNetwork', reply, 400, JSON.stringify(body).slice(0, 300));
      }),
      { numRuns: 120 },
    );
  });

  it('refuses CreateEndpoint requests for addresses the live network cannot take (400), or holds (409)', async () => {
    const host = fc.integer({ min: 2, max: 254 });
    const iface = fc.oneof(
      fc
        .tuple(fc.integer({ min: 11, max: 99 }), host)
        .map(([a, h]) => ({ status: 400, Interface: { Address: `${a}.60.0.${h}/24`, AddressIPv6: '', MacAddress: '' } })),
      fc.constantFrom(
        { status: 400, Interface: { Address: '', AddressIPv6: '', MacAddress: '' } },
        { status: 400, Interface: null },
        { status: 400, Interface: {} },
      ),
      host.map((h) => ({ status: 400, Interface: { Address: `fd00:60::${h.toString(16)}/64`, AddressIPv6: '', MacAddress: '' } })),
      host.map((h) => ({
        status: 400,
        Interface: { Address: `10.60.0.${h}/24`, AddressIPv6: `fd00:60::${h.toString(16)}/64`, MacAddress: '' },
      })),
      fc.constantFrom(
        { status: 409, Interface: { Address: '10.60.0.2/24', AddressIPv6: '', MacAddress: '' } },
        { status: 409, Interface: { Address: '10.60.0.2/16', AddressIPv6: '', MacAddress: '02:42:0a:3c:00:63' } },
      ),
    );
    await fc.assert(
      fc.asyncProperty(iface, async ({ status, Interface }) => {
        const body = { NetworkID: NET, EndpointID: randomId(), Interface, Options: {} };
        assert.ok(spec.checkRequest('/NetworkDriver.CreateEndpoint', body).ok, JSON.stringify(body));
        const reply = await send('/NetworkDriver.CreateEndpoint', JSON.stringify(body));
        assertRefused('/NetworkDriver.CreateEndpoint', reply, status, JSON.stringify(body));
      }),
      { numRuns: 60 },
    );
  });

  it('survives malformed HTTP on the plugin socket', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ovn-driver-hostile-'));
    const socketPath = path.join(dir, 'ovn.sock');
    try {
      await t.listeners.listenSocket(socketPath);
      const raw = (bytes: string, endAfterWrite = true) =>
        new Promise<string>((resolve) => {
          const s = connect(socketPath);
          let text = '';
          s.on('data', (c) => (text += c.toString('latin1')));
          s.on('close', () => resolve(text));
          s.on('error', () => resolve(text));
          s.write(bytes, () => {
            if (endAfterWrite) s.end();
          });
          setTimeout(() => s.destroy(), 2000);
        });
      assert.match(await raw('\u0016\u0003\u0001garbage not http\r\n\r\n'), /^HTTP\/1\.1 400/, 'not HTTP');
      await raw('POST /NetworkDriver.CreateNetwork HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"NetworkID":');
      const chunked = await raw(
        `POST /NetworkDriver.CreateNetwork HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(BODY_LIMIT + 10).toString(16)}\r\n${'a'.repeat(BODY_LIMIT + 10)}\r\n0\r\n\r\n`,
        false,
      );
      assert.match(chunked, /^HTTP\/1\.1 413/, 'a chunked body over the limit');
      assert.match(chunked, /\{"Err":"CreateNetwork: Request body is too large"\}/);
      const burst = await Promise.all(
        Array.from(
          { length: 50 },
          (_, i) =>
            new Promise<number>((resolve, reject) => {
              const req = request({ socketPath, path: '/NetworkDriver.Join', method: 'POST', headers: { 'content-length': 5 } }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              });
              req.on('error', reject);
              req.end(i % 2 ? '{"a":' : '[1,2]');
            }),
        ),
      );
      sent += 53;
      assert.deepEqual([...new Set(burst)], [400]);
      const activate = await new Promise<number>((resolve, reject) => {
        const req = request({ socketPath, path: '/Plugin.Activate', method: 'POST' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(activate, 200, 'still serving');
    } finally {
      await t.listeners.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sent at least 500 hostile requests, never crashed, and left NB, OVS and links exactly as they were', async () => {
    assert.ok(sent >= 500, `${sent} hostile requests`);
    assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
    assert.deepEqual(await stateOf(t.stack), baseline);
    const info = await t.post('/NetworkDriver.EndpointOperInfo', JSON.stringify({ NetworkID: NET, EndpointID: EP }));
    assert.equal(info.status, 200, info.raw);
    assert.equal((info.body as { Value: Json }).Value.OvsPort, `ovn${EP.slice(0, 12)}`, 'the live endpoint is still joined');
    console.log(`# ${sent} hostile requests`);
  });

  it('then tears the live endpoint and network down to nothing', async () => {
    for (const [p, body] of [
      ['/NetworkDriver.Leave', { NetworkID: NET, EndpointID: EP }],
      ['/NetworkDriver.DeleteEndpoint', { NetworkID: NET, EndpointID: EP }],
      ['/NetworkDriver.DeleteNetwork', { NetworkID: NET }],
    ] as const) {
      const reply = await t.post(p, JSON.stringify(body));
      assert.deepEqual({ status: reply.status, raw: reply.raw }, { status: 200, raw: '{}' }, `${verb(p)}: ${reply.raw}`);
    }
    assert.deepEqual(await leftovers(t.stack), NOTHING);
    assert.deepEqual(await stateOf(t.stack), pristine);
  });
});
