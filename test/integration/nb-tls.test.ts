/**
 * The driver on an `ssl:` Northbound remote, set up as the README's "TLS" steps do it: an ovsdb-server
 * started as `ovn-ctl` starts the NB (listeners and keys taken from the database), `ovn-nbctl set-ssl` and
 * `set-connection pssl:PORT`, and the driver given the remote and `OVN_DRIVER_SSL_*`. A network and an
 * endpoint made over TLS land in that NB and go again; a driver whose certificate another CA signed is
 * refused by the server and says so on every verb, without starting anything.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriverProcess } from '../harness/driver-process';
import { freePort, run, Stack, waitFor } from '../harness/stack';

const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';
const id = () => randomBytes(32).toString('hex');

/** A CA, the server's certificate and a client's, signed by it; `other` signs a client of its own. */
function makeCerts(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  for (const ca of ['ca', 'other-ca']) {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=${ca}`);
  }
  for (const [who, ca] of [
    ['nb', 'ca'],
    ['driver', 'ca'],
    ['stranger', 'other-ca'],
  ] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}-privkey.pem`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${who}-cert.pem`,
      '-days',
      '1',
    );
  }
}

describe('the driver on a TLS Northbound DB', () => {
  let stack: Stack;
  let dir: string;
  let remote: string;
  const drivers: DriverProcess[] = [];
  const file = (name: string) => path.join(dir, name);
  /** The NB over its unix socket, for this test's own looks. */
  const nbctl = (...args: string[]) => run('ovn-nbctl', [`--db=unix:${file('nb.sock')}`, '--timeout=10', ...args]);
  const tlsEnv = (who: string, ca = 'ca') => ({
    OVN_DRIVER_NB: remote,
    OVN_DRIVER_SSL_KEY: file(`${who}-privkey.pem`),
    OVN_DRIVER_SSL_CERT: file(`${who}-cert.pem`),
    OVN_DRIVER_SSL_CA: file(`${ca}.pem`),
    OVN_DRIVER_JOIN_TIMEOUT_MS: '0',
    OVN_DRIVER_RECONCILE_INTERVAL_S: '0',
  });

  before(async () => {
    stack = await Stack.up();
    dir = await mkdtemp('/tmp/nb-tls-');
    makeCerts(dir);
    await run('ovsdb-tool', ['create', file('nb.db'), NB_SCHEMA]);
    // As ovn-ctl starts the NB: listeners from NB_Global's connections, keys from its SSL row.
    await run('ovsdb-server', [
      file('nb.db'),
      `--remote=punix:${file('nb.sock')}`,
      '--remote=db:OVN_Northbound,NB_Global,connections',
      '--private-key=db:OVN_Northbound,SSL,private_key',
      '--certificate=db:OVN_Northbound,SSL,certificate',
      '--ca-cert=db:OVN_Northbound,SSL,ca_cert',
      `--unixctl=${file('nb.ctl')}`,
      `--pidfile=${file('nb.pid')}`,
      `--log-file=${file('nb.log')}`,
      '--detach',
    ]);
    await nbctl('init');
    const port = await freePort();
    await nbctl('set-ssl', file('nb-privkey.pem'), file('nb-cert.pem'), file('ca.pem'));
    await nbctl('set-connection', `pssl:${port}:127.0.0.1`);
    remote = `ssl:127.0.0.1:${port}`;
  });

  after(async () => {
    for (const d of drivers) await d.stop();
    if (dir) {
      const pid = await readFile(file('nb.pid'), 'utf8').catch(() => '');
      if (pid.trim()) process.kill(Number(pid.trim()), 'SIGTERM');
      await waitFor(async () => (await readFile(file('nb.pid'), 'utf8').catch(() => '')) === '', {
        timeoutMs: 10_000,
        what: 'the NB server to stop',
      }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
    await stack?.down();
  });

  it('makes and removes a network and an endpoint over ssl:, with the keys of OVN_DRIVER_SSL_*', async () => {
    const driver = await DriverProcess.start({ stack, env: tlsEnv('driver') });
    drivers.push(driver);
    const net = id();
    const ep = id();
    const ok = async (verb: string, body: unknown) => {
      const r = await driver.post(verb, body);
      assert.equal(r.status, 200, `${verb}: ${r.raw}`);
    };
    await ok('/NetworkDriver.CreateNetwork', {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ Pool: '10.131.0.0/24', Gateway: '10.131.0.1/24' }],
      IPv6Data: [],
    });
    await ok('/NetworkDriver.CreateEndpoint', {
      NetworkID: net,
      EndpointID: ep,
      Interface: { Address: '10.131.0.2/24', AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.match(await nbctl('--bare', '--columns=name', 'find', 'Logical_Switch_Port', `name=${ep}`), new RegExp(ep));
    assert.match(await nbctl('show'), /10\.131\.0\.2/);
    await ok('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep });
    await ok('/NetworkDriver.DeleteNetwork', { NetworkID: net });
    // Nothing of the driver's stays in the TLS NB; the stack's own NB was never written.
    for (const table of ['Logical_Switch', 'Logical_Switch_Port', 'Logical_Router', 'Logical_Router_Port']) {
      assert.equal((await nbctl('--bare', '--columns=_uuid', 'list', table)).trim(), '', `${table} in the TLS NB`);
      assert.equal((await stack.nbctl('--bare', '--columns=_uuid', 'list', table)).trim(), '', `${table} in the stack's NB`);
    }
    await driver.stop();
  });

  it('refuses every verb, naming the remote, when the server does not accept its certificate', async () => {
    // Its certificate is signed by another CA; it trusts the server's CA, so only the server refuses.
    const driver = await DriverProcess.start({ stack, env: { ...tlsEnv('stranger'), OVN_DRIVER_STARTUP_WAIT_S: '0' }, socketOnly: true });
    drivers.push(driver);
    const r = await driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: id(),
      Options: {},
      IPv4Data: [{ Pool: '10.132.0.0/24', Gateway: '10.132.0.1/24' }],
      IPv6Data: [],
    });
    assert.equal(r.status, 503, r.raw);
    const err = (JSON.parse(r.raw) as { Err: string }).Err;
    assert.ok(err.includes(`OVN Northbound DB (${remote}) is not connected`), err);
    assert.match(err, /alert unknown ca/, 'the TLS alert the server sent');
    assert.equal((await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Switch')).trim(), '');
    await driver.stop();
  });
});
