import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { isChangingVerb, isHttpOnlyPath, Listeners } from './listeners';
import { registerWireBodyParser } from './wire-body-parser';

describe(isHttpOnlyPath.name, () => {
  it('keeps the swagger UI and the operator endpoints off the plugin socket', () => {
    for (const p of [
      '/docs',
      '/docs/swagger-ui.css',
      '/openapi.json',
      '/metrics',
      '/healthz',
      '/readyz',
      '/log-level',
      '/readyz?verbose=1',
    ]) {
      assert.ok(isHttpOnlyPath(p), p);
    }
  });

  it('serves every plugin path on both listeners', () => {
    for (const p of [
      '/Plugin.Activate',
      '/NetworkDriver.Join',
      '/IpamDriver.RequestAddress',
      '/NetworkDriver.Frobnicate',
      '/',
      '/metricsx',
      undefined,
    ]) {
      assert.ok(!isHttpOnlyPath(p), String(p));
    }
  });
});

describe(Listeners.name, () => {
  it('never closes an idle dockerd connection on the plugin socket (dockerd would retry with an empty body)', () => {
    const server = new Listeners().serverFactory(() => undefined);
    assert.equal(server.keepAliveTimeout, 0);
  });
});

describe(isChangingVerb.name, () => {
  it('tells the verbs that change something from those that only read', () => {
    for (const p of [
      '/NetworkDriver.CreateNetwork',
      '/NetworkDriver.Join',
      '/NetworkDriver.Leave',
      '/IpamDriver.RequestAddress',
      '/IpamDriver.ReleasePool',
      '/NetworkDriver.Frobnicate',
    ]) {
      assert.ok(isChangingVerb(p), p);
    }
    for (const p of [
      '/Plugin.Activate',
      '/NetworkDriver.GetCapabilities',
      '/NetworkDriver.EndpointOperInfo',
      '/IpamDriver.GetDefaultAddressSpaces',
      '/NetworkDriver.Database',
      '/metrics',
      '/docs',
      undefined,
    ]) {
      assert.ok(!isChangingVerb(p), String(p));
    }
  });
});

describe('the gate on each listener', () => {
  const send = (to: { port: number } | { socketPath: string }, method: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ ...('port' in to ? { host: '127.0.0.1', port: to.port } : to), path, method }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });

  /** Fastify as the driver runs it (Nest's adapter, serverFactory, dockerd's bodies), with a few of its routes. */
  async function serve(verbs: boolean): Promise<{ listeners: Listeners; http: { port: number }; socket: { socketPath: string } }> {
    const listeners = new Listeners();
    const fastify = new FastifyAdapter({ serverFactory: listeners.serverFactory, logger: false }).getInstance();
    registerWireBodyParser(fastify);
    listeners.installGate(fastify);
    for (const verb of ['/NetworkDriver.Join', '/NetworkDriver.GetCapabilities']) fastify.post(verb, async () => ({}));
    fastify.get('/metrics', async () => 'metrics');
    await fastify.ready();
    const socketPath = path.join(await mkdtemp(path.join(tmpdir(), 'listeners-')), 'plugin.sock');
    await listeners.listenSocket(socketPath);
    return { listeners, http: { port: await listeners.listenHttp('127.0.0.1', 0, { verbs }) }, socket: { socketPath } };
  }

  it('takes the verbs that change something on HTTP only when told to, however the path is escaped; the plugin socket always does', async () => {
    for (const verbs of [false, true]) {
      const { listeners, http, socket } = await serve(verbs);
      try {
        for (const p of ['/NetworkDriver.Join', '/%4EetworkDriver.Join', '/NetworkDriver%2EJoin', '/NetworkDriver.Join?x=1']) {
          const join = await send(http, 'POST', p);
          if (verbs) assert.equal(join.status, 200, p);
          else {
            assert.equal(join.status, 403, p);
            assert.match((JSON.parse(join.body) as { Err: string }).Err, /taken on the plugin socket only \(OVN_DRIVER_HTTP_VERBS=1/);
          }
          assert.equal((await send(socket, 'POST', p)).status, 200, `${p} on the plugin socket`);
        }
        assert.equal((await send(http, 'POST', '/NetworkDriver.GetCapabilities')).status, 200);
      } finally {
        await listeners.close(100);
      }
    }
  });

  it('keeps the operator paths off the plugin socket, however the path is escaped', async () => {
    const { listeners, http, socket } = await serve(false);
    try {
      for (const p of ['/metrics', '/%6Detrics', '/metrics?x=1']) {
        assert.equal((await send(socket, 'GET', p)).status, 404, p);
        assert.equal((await send(http, 'GET', p)).status, 200, `${p} on HTTP`);
      }
    } finally {
      await listeners.close(100);
    }
  });

  it('refuses to listen without the gate', async () => {
    const listeners = new Listeners();
    listeners.serverFactory(() => undefined);
    await assert.rejects(listeners.listenHttp('127.0.0.1', 0), /installGate was not used/);
  });
});
