import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './load-config';
import { requireTlsFiles } from './tls-files';

describe(requireTlsFiles.name, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovn-driver-tls-'));
  const key = path.join(dir, 'key.pem');
  writeFileSync(key, 'key');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has nothing to check for unix: and tcp: remotes', () => {
    requireTlsFiles(loadConfig({ OVN_DRIVER_NB: 'unix:/run/ovn/ovnnb_db.sock,tcp:10.0.0.1:6641' }));
  });

  it('names each missing key and each file that cannot be read when a remote is ssl:', () => {
    const config = loadConfig({
      OVN_DRIVER_NB: 'tcp:10.0.0.1:6641,ssl:10.0.0.2:6641',
      OVN_DRIVER_SSL_KEY: key,
      OVN_DRIVER_SSL_CA: path.join(dir, 'cacert.pem'),
    });
    assert.throws(
      () => requireTlsFiles(config),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(
          e.message,
          new RegExp(
            `^invalid configuration: the OVN Northbound remote ssl:10\\.0\\.0\\.2:6641 needs a private key, a certificate and a CA certificate: ` +
              `OVN_DRIVER_SSL_CERT is not set, OVN_DRIVER_SSL_CA=${path.join(dir, 'cacert.pem').replace(/[.]/g, '\\.')} cannot be read \\(ENOENT\\) `,
          ),
        );
        return true;
      },
    );
  });

  it('accepts the three files when they can be read', () => {
    requireTlsFiles(
      loadConfig({ OVN_DRIVER_NB: 'ssl:10.0.0.2:6641', OVN_DRIVER_SSL_KEY: key, OVN_DRIVER_SSL_CERT: key, OVN_DRIVER_SSL_CA: key }),
    );
  });
});
