import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'node:http';
import { isChangingVerb, isHttpOnlyPath, Listeners } from './listeners';

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

describe('the HTTP listener', () => {
  const post = (port: number, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('{}');
    });

  it('takes the verbs that change something only when told to; the plugin socket always does', async () => {
    for (const verbs of [false, true]) {
      const listeners = new Listeners();
      listeners.serverFactory((_req, res) => res.writeHead(200).end('{}'));
      const port = await listeners.listenHttp('127.0.0.1', 0, { verbs });
      try {
        const join = await post(port, '/NetworkDriver.Join');
        if (verbs) assert.equal(join.status, 200);
        else {
          assert.equal(join.status, 403);
          assert.match((JSON.parse(join.body) as { Err: string }).Err, /taken on the plugin socket only \(OVN_DRIVER_HTTP_VERBS=1/);
        }
        assert.equal((await post(port, '/NetworkDriver.GetCapabilities')).status, 200);
      } finally {
        await listeners.close(100);
      }
    }
  });
});
