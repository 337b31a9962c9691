import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ENV_KEYS, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.DEBUG, false);
    assert.equal(c.OVN_DRIVER_ADDR, '127.0.0.1');
    assert.equal(c.OVN_DRIVER_PORT, 9105);
    assert.equal(c.OVN_DRIVER_SOCKET, '/run/docker/plugins/ovn.sock');
    assert.equal(c.OVN_DRIVER_SCOPE, 'local');
    assert.equal(c.OVN_DRIVER_NB, undefined);
    assert.ok(Object.isFrozen(c));
  });

  it('reads typed values and ignores unrelated variables', () => {
    const c = loadConfig({
      DEBUG: '1',
      OVN_DRIVER_PORT: '0',
      OVN_DRIVER_NB: 'tcp:10.0.0.1:6641,tcp:10.0.0.2:6641',
      PATH: '/bin',
      OVN_DRIVER_JOIN_TIMEOUT_MS: '0',
    });
    assert.equal(c.DEBUG, true);
    assert.equal(c.OVN_DRIVER_PORT, 0);
    assert.equal(c.OVN_DRIVER_NB, 'tcp:10.0.0.1:6641,tcp:10.0.0.2:6641');
    assert.equal(c.OVN_DRIVER_JOIN_TIMEOUT_MS, 0);
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ OVN_DRIVER_NB: '' }).OVN_DRIVER_NB, undefined);
  });

  it('keeps an empty OVN_DRIVER_LOG_FILE (stdout only) and defaults it when unset', () => {
    assert.equal(loadConfig({}).OVN_DRIVER_LOG_FILE, '/var/log/openvswitch/docker-ovn-driver.log');
    assert.equal(loadConfig({ OVN_DRIVER_LOG_FILE: '' }).OVN_DRIVER_LOG_FILE, '');
    assert.equal(loadConfig({ OVN_DRIVER_LOG_FILE: '/tmp/x.log' }).OVN_DRIVER_LOG_FILE, '/tmp/x.log');
    assert.throws(() => loadConfig({ OVN_DRIVER_LOG_FILE: 'relative.log' }), /OVN_DRIVER_LOG_FILE must be an absolute path, or empty/);
  });

  it('names every bad key at once', () => {
    assert.throws(
      () => loadConfig({ DEBUG: 'yes', OVN_DRIVER_PORT: '70000', OVN_DRIVER_NB: 'http://x', OVN_DRIVER_SCOPE: 'swarm' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        for (const key of ['DEBUG', 'OVN_DRIVER_PORT', 'OVN_DRIVER_NB', 'OVN_DRIVER_SCOPE']) assert.match(e.message, new RegExp(key));
        assert.equal(e.problems.length, 4);
        return true;
      },
    );
  });

  it('lists every key it reads', () => {
    assert.ok(ENV_KEYS.includes('DEBUG'));
    assert.ok(ENV_KEYS.includes('OVN_DRIVER_NB'));
    assert.equal(new Set(ENV_KEYS).size, ENV_KEYS.length);
  });
});
