import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHttpOnlyPath } from './listeners';

describe(isHttpOnlyPath.name, () => {
  it('keeps the swagger UI and the operator endpoints off the plugin socket', () => {
    for (const p of ['/docs', '/docs/swagger-ui.css', '/openapi.json', '/metrics', '/healthz', '/readyz', '/log-level', '/readyz?verbose=1']) {
      assert.ok(isHttpOnlyPath(p), p);
    }
  });

  it('serves every plugin path on both listeners', () => {
    for (const p of ['/Plugin.Activate', '/NetworkDriver.Join', '/IpamDriver.RequestAddress', '/NetworkDriver.Frobnicate', '/', '/metricsx', undefined]) {
      assert.ok(!isHttpOnlyPath(p), String(p));
    }
  });
});
