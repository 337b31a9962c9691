import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHttpOnlyPath, Listeners } from './listeners';

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
