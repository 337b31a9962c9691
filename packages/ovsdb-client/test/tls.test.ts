import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OvsdbClient, op, parseRemotes } from '../src';
import { OvsdbServer, cleanup, freePort, startStandalone, tempDir } from './helpers/ovsdb-server';

/** Throwaway CA plus server and client certificates signed by it. */
function makeCerts(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
    ssl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.pem`, '-days', '1');
  }
}

describe('TLS', () => {
  let server: OvsdbServer;
  let certs: string;
  let port: number;
  before(async () => {
    certs = tempDir('ovsdb-certs-');
    makeCerts(certs);
    port = await freePort();
    server = await startStandalone(
      undefined,
      [`pssl:${port}:127.0.0.1`],
      [`--private-key=${join(certs, 'server.key')}`, `--certificate=${join(certs, 'server.pem')}`, `--ca-cert=${join(certs, 'ca.pem')}`],
    );
  });
  after(async () => {
    await cleanup(server);
    execFileSync('rm', ['-rf', certs]);
  });

  it('connects over ssl: with client certificates and transacts', async () => {
    const client = new OvsdbClient({
      remotes: `ssl:127.0.0.1:${port}`,
      database: 'OVN_Northbound',
      tables: { Logical_Switch: ['name'] },
      tls: {
        key: readFileSync(join(certs, 'client.key')),
        cert: readFileSync(join(certs, 'client.pem')),
        ca: readFileSync(join(certs, 'ca.pem')),
      },
    }).start();
    try {
      await client.ready({ timeoutMs: 10000 });
      const [r] = await client.transact([op.insert('Logical_Switch', { name: 'over-tls' })]);
      assert.equal(client.cache.get('Logical_Switch', r.uuid)?.name, 'over-tls');
    } finally {
      await client.close();
    }
  });
});

describe(parseRemotes.name, () => {
  it('parses unix, tcp, ssl, IPv6 and comma lists', () => {
    assert.deepEqual(
      parseRemotes('unix:/a/b.sock, tcp:10.0.0.1:6641,ssl:[::1]:6643,tcp:host').map((r) =>
        'path' in r ? r.path : `${r.kind}:${r.host}:${r.port}`,
      ),
      ['/a/b.sock', 'tcp:10.0.0.1:6641', 'ssl:::1:6643', 'tcp:host:6640'],
    );
    assert.throws(() => parseRemotes('http://x'), TypeError);
    assert.throws(() => parseRemotes(''), TypeError);
  });
});
