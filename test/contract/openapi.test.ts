/**
 * The OpenAPI contract: openapi/openapi.json is fresh, says what dockerd sends and gets (wire names, CIDR vs
 * plain IP, Go's nulls, every failure as {"Err"}), is served with swagger UI on the HTTP listener only, and
 * documents every status the app answers when its backends are down. No OVN stack needed here.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateOpenApi } from '../../scripts/openapi';
import { createDriverApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import type { Listeners } from '../../src/core/listeners';
import { fixtureFiles, loadFixture, verb, wireBody } from './fixtures';
import { assertReply, SPEC_FILE, SpecValidator } from './spec-validator';
import { poster } from './stack-app';

type Json = Record<string, unknown>;

const UNREACHABLE = {
  OVN_DRIVER_NB: 'unix:/nonexistent/nb.sock',
  OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock',
  OVN_DRIVER_PORT: '0',
  OVN_DRIVER_LOG_FILE: '',
  // Never connected: verbs would wait for the first connection 10 s after start.
  OVN_DRIVER_STARTUP_WAIT_S: '0',
};

describe('openapi/openapi.json', () => {
  const spec = new SpecValidator();
  const schemas = (spec.spec.components as { schemas: Record<string, Json> }).schemas;

  it('is what `npm run openapi` generates now (run it and commit the file when this fails)', async () => {
    const fresh = await generateOpenApi();
    const committed = await readFile(SPEC_FILE, 'utf8');
    assert.ok(committed === fresh, `${SPEC_FILE} is stale: run \`npm run openapi\` (or make openapi) and commit it`);
    assert.equal(await generateOpenApi(), fresh, 'generation is deterministic');
  });

  it('is OpenAPI 3.1 with one POST operation per verb, operationId = verb', () => {
    assert.equal(spec.spec.openapi, '3.1.0');
    const ops = spec.operations();
    assert.ok(ops.length >= 15, `${ops.length} operations`);
    for (const { path: p, operationId } of ops) {
      assert.match(p, /^\/(Plugin|NetworkDriver|IpamDriver)\.[A-Za-z]+$/);
      assert.deepEqual(Object.keys((spec.spec.paths as Json)[p] as Json), ['post'], p);
      // A verb two subsystems share (GetCapabilities) is prefixed for the second one (IpamGetCapabilities).
      assert.ok(operationId === verb(p) || operationId === `Ipam${verb(p)}`, `${p}: operationId ${operationId}`);
    }
    assert.equal(new Set(ops.map((o) => o.operationId)).size, ops.length, 'operationIds are unique');
    for (const v of [
      'Activate',
      'GetCapabilities',
      'CreateNetwork',
      'DeleteNetwork',
      'CreateEndpoint',
      'DeleteEndpoint',
      'EndpointOperInfo',
      'Join',
      'Leave',
    ]) {
      assert.ok(
        ops.some((o) => o.operationId === v),
        `${v} is documented`,
      );
    }
  });

  it('documents every failure as {"Err"}: 400, 413 and 500 everywhere, 409/503 where OVN is involved', () => {
    for (const { path: p, op } of spec.operations()) {
      const responses = op.responses as Record<string, { content: Record<string, { schema: Json }> }>;
      assert.ok(responses['200']?.content['application/json'].schema, `${p}: 200`);
      for (const status of ['400', '413', '500']) assert.ok(responses[status], `${p}: ${status}`);
      for (const [status, reply] of Object.entries(responses)) {
        if (status === '200') continue;
        assert.deepEqual(reply.content['application/json'].schema, { $ref: '#/components/schemas/ErrorResponse' }, `${p} ${status}`);
      }
    }
    assert.deepEqual(spec.component('ErrorResponse').required, ['Err']);
    for (const v of ['CreateNetwork', 'DeleteNetwork', 'CreateEndpoint', 'DeleteEndpoint', 'EndpointOperInfo', 'Join', 'Leave']) {
      assert.ok(spec.responseSchema(`/NetworkDriver.${v}`, 503), `${v} documents 503`);
    }
    for (const v of ['GetCapabilities', 'ProgramExternalConnectivity', 'RevokeExternalConnectivity', 'DiscoverNew']) {
      assert.throws(() => spec.responseSchema(`/NetworkDriver.${v}`, 503), /not documented/, `${v} never needs OVN`);
    }
  });

  it("keeps moby's wire names (libnetwork/drivers/remote/api/api.go)", () => {
    const props = (name: string) => Object.keys((schemas[name].properties ?? {}) as Json).sort();
    const wire: Record<string, string[]> = {
      CreateNetworkRequest: ['IPv4Data', 'IPv6Data', 'NetworkID', 'Options'],
      IPAMData: ['AddressSpace', 'AuxAddresses', 'Gateway', 'Pool'],
      NetworkRequest: ['NetworkID'],
      CreateEndpointRequest: ['EndpointID', 'Interface', 'NetworkID', 'Options'],
      EndpointInterface: ['Address', 'AddressIPv6', 'MacAddress'],
      CreateEndpointResponse: ['Interface'],
      EndpointRequest: ['EndpointID', 'NetworkID'],
      EndpointOperInfoResponse: ['Value'],
      JoinRequest: ['EndpointID', 'NetworkID', 'Options', 'SandboxKey'],
      JoinResponse: ['DisableGatewayService', 'Gateway', 'GatewayIPv6', 'InterfaceName', 'StaticRoutes'],
      InterfaceName: ['DstName', 'DstPrefix', 'SrcName'],
      StaticRoute: ['Destination', 'NextHop', 'RouteType'],
      CapabilitiesResponse: ['ConnectivityScope', 'Scope'],
      DiscoveryRequest: ['DiscoveryData', 'DiscoveryType'],
      ErrorResponse: ['Err'],
    };
    for (const [name, names] of Object.entries(wire)) assert.deepEqual(props(name), names, name);
    for (const [name, schema] of Object.entries(schemas)) {
      for (const prop of Object.keys((schema.properties ?? {}) as Json))
        assert.match(prop, /^[A-Z][A-Za-z0-9]*$/, `${name}.${prop} is a Go field name`);
    }
  });

  it('tells CIDR fields from plain-IP fields', () => {
    const ok = (name: string, value: Json) => spec.check(spec.component(name), value).ok;
    assert.ok(ok('IPAMData', { Pool: '10.0.0.0/24', Gateway: '10.0.0.1/24' }), 'CreateNetwork Gateway is a CIDR');
    assert.ok(!ok('IPAMData', { Pool: '10.0.0.0/24', Gateway: '10.0.0.1' }), 'a plain IP is not a CIDR');
    assert.ok(!ok('IPAMData', { Pool: '10.0.0.0' }));
    assert.ok(!ok('IPAMData', { Pool: '10.0.0.0/33' }));
    assert.ok(ok('IPAMData', { Pool: 'fd00:41::/64', Gateway: 'fd00:41::1/64' }));
    assert.ok(ok('EndpointInterface', { Address: '10.0.0.5/24', AddressIPv6: 'fd00::5/64', MacAddress: '02:42:0a:00:00:05' }));
    assert.ok(!ok('EndpointInterface', { Address: '10.0.0.5' }), 'CreateEndpoint Address is a CIDR');
    const join = { InterfaceName: { SrcName: 'ovc0123456789ab', DstPrefix: 'eth' } };
    assert.ok(ok('JoinResponse', { ...join, Gateway: '10.0.0.1', GatewayIPv6: 'fd00::1' }), 'Join Gateway is a plain IP');
    assert.ok(!ok('JoinResponse', { ...join, Gateway: '10.0.0.1/24' }), 'a CIDR is not a Join Gateway');
    assert.ok(ok('JoinResponse', { ...join, StaticRoutes: [{ Destination: '10.1.0.0/16', RouteType: 0, NextHop: '10.0.0.1' }] }));
    assert.ok(!ok('JoinResponse', { ...join, StaticRoutes: [{ Destination: '10.1.0.0', RouteType: 0 }] }), 'a route destination is a CIDR');
    assert.ok(!ok('JoinResponse', { ...join, StaticRoutes: [{ Destination: '10.1.0.0/16', RouteType: 0.5 }] }), 'RouteType is an integer');
    assert.ok(!ok('JoinResponse', {}), 'InterfaceName is required');
  });

  it('accepts Go\'s null for nil slices, maps and pointers, "" where Docker leaves a value to the driver, and unknown fields', () => {
    const ok = (name: string, value: Json) => spec.check(spec.component(name), value).ok;
    const id = 'a'.repeat(64);
    assert.ok(ok('CreateNetworkRequest', { NetworkID: id, Options: null, IPv4Data: null, IPv6Data: null }));
    assert.ok(ok('CreateNetworkRequest', { NetworkID: id, IPv4Data: [{ Pool: '10.0.0.0/24', AuxAddresses: null, Gateway: null }] }));
    assert.ok(ok('CreateEndpointRequest', { NetworkID: id, EndpointID: id, Interface: null, Options: null }));
    assert.ok(ok('CreateEndpointRequest', { NetworkID: id, EndpointID: id, Interface: { Address: '', AddressIPv6: '', MacAddress: '' } }));
    assert.ok(ok('JoinRequest', { NetworkID: id, EndpointID: id, SandboxKey: '/var/run/docker/netns/x', Options: null }));
    assert.ok(ok('CreateNetworkRequest', { NetworkID: id, FutureField: { x: 1 }, IPv4Data: [{ Pool: '10.0.0.0/24', Future: 1 }] }));
    assert.ok(!ok('CreateNetworkRequest', { NetworkID: null }), 'required fields are not nullable');
    assert.ok(!ok('CreateNetworkRequest', {}), 'NetworkID is required');
    assert.ok(!ok('CreateEndpointRequest', { NetworkID: id, EndpointID: id, Interface: { MacAddress: '02:42' } }));
    assert.ok(!ok('NetworkRequest', { NetworkID: 'A'.repeat(64) }), 'IDs are lowercase hex');
    assert.ok(!ok('JoinRequest', { NetworkID: id, EndpointID: id, SandboxKey: 'relative' }));
  });

  it('validates every request of the captures', () => {
    let checked = 0;
    for (const file of fixtureFiles()) {
      for (const c of loadFixture(file)) {
        if (c.request === null || !spec.has(c.path)) continue;
        const result = spec.checkRequest(c.path, c.request);
        assert.ok(result.ok, `${c.where}: ${result.errors}`);
        checked++;
      }
    }
    assert.ok(checked >= 25, `${checked} requests checked`);
  });
});

/** GET or POST over a unix socket or TCP, as curl would. */
function fetchRaw(
  target: { socketPath: string } | { host: string; port: number },
  urlPath: string,
  method = 'GET',
  body = '',
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path: urlPath, method, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('swagger UI and the spec are served on the HTTP listener only', () => {
  let app: NestFastifyApplication;
  let listeners: Listeners;
  let dir: string;
  let socketPath: string;
  let http: { host: string; port: number };

  before(async () => {
    ({ app, listeners } = await createDriverApp(loadConfig(UNREACHABLE)));
    dir = await mkdtemp(path.join(tmpdir(), 'ovn-driver-openapi-'));
    socketPath = path.join(dir, 'ovn.sock');
    await listeners.listenSocket(socketPath);
    http = { host: '127.0.0.1', port: await listeners.listenHttp('127.0.0.1', 0) };
  });

  after(async () => {
    await listeners.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /docs is the swagger UI over HTTP', async () => {
    const page = await fetchRaw(http, '/docs');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.text, /swagger-ui/);
    const init = await fetchRaw(http, '/docs/swagger-ui-init.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /"operationId": ?"CreateNetwork"/, 'the UI is fed the contract');
  });

  it('GET /openapi.json over HTTP is the committed spec (what `curl -s 127.0.0.1:9105/openapi.json` shows)', async () => {
    const served = await fetchRaw(http, '/openapi.json');
    assert.equal(served.status, 200);
    assert.match(served.type, /^application\/json/);
    assert.deepEqual(JSON.parse(served.text), JSON.parse(await readFile(SPEC_FILE, 'utf8')));
  });

  it('the plugin socket answers 404 {"Err"} for /docs, its assets and /openapi.json', async () => {
    for (const p of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css', '/openapi.json']) {
      const r = await fetchRaw({ socketPath }, p);
      assert.equal(r.status, 404, p);
      assert.match(r.type, /^application\/json/, p);
      assert.equal(typeof (JSON.parse(r.text) as { Err: unknown }).Err, 'string', p);
    }
  });

  it('both listeners serve the plugin protocol', async () => {
    for (const target of [{ socketPath }, http]) {
      const r = await fetchRaw(target, '/Plugin.Activate', 'POST');
      assert.equal(r.status, 200);
      assert.ok((JSON.parse(r.text) as { Implements: string[] }).Implements.includes('NetworkDriver'));
    }
  });
});

describe('replies while OVN Northbound and the local OVS DB are down', () => {
  const spec = new SpecValidator();
  let app: NestFastifyApplication;

  before(async () => {
    ({ app } = await createDriverApp(loadConfig(UNREACHABLE)));
  });

  after(async () => {
    await app.close();
  });

  it('answers every captured request with a documented status and body: 503 {"Err"} where OVN is needed', async () => {
    const post = poster(app);
    const statuses: Record<string, Set<number>> = {};
    for (const file of fixtureFiles()) {
      for (const c of loadFixture(file)) {
        const reply = await post(c.path, wireBody(c.request));
        (statuses[c.path] ??= new Set()).add(reply.status);
        if (!spec.has(c.path)) {
          assert.deepEqual(
            { status: reply.status, raw: reply.raw },
            { status: 404, raw: JSON.stringify({ Err: `${verb(c.path)}: not implemented by this driver` }) },
            c.where,
          );
          continue;
        }
        assertReply(spec, c.path, reply, c.where);
        // The captures' PoolIDs are another IPAM driver's: refused (400) before any backend is asked.
        const foreignPool = c.request !== null && 'PoolID' in c.request;
        assert.ok(
          reply.status === 200 || reply.status === 503 || (foreignPool && reply.status === 400),
          `${c.where}: ${reply.status} ${reply.raw}`,
        );
      }
    }
    for (const v of ['CreateNetwork', 'CreateEndpoint', 'Join', 'Leave', 'DeleteEndpoint', 'DeleteNetwork', 'EndpointOperInfo']) {
      assert.deepEqual([...statuses[`/NetworkDriver.${v}`]], [503], v);
    }
    for (const p of [
      '/Plugin.Activate',
      '/NetworkDriver.GetCapabilities',
      '/NetworkDriver.ProgramExternalConnectivity',
      '/NetworkDriver.RevokeExternalConnectivity',
    ]) {
      assert.deepEqual([...statuses[p]], [200], p);
    }
  });
});
