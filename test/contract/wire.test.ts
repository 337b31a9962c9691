/**
 * The wire behaviour every verb shares, through the whole app as production builds it, with requests
 * shaped like dockerd's (no Content-Type, empty bodies). NB and OVS are deliberately unreachable here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDriverApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';

const ID = '81bed32d1728161eb5a79c5d9aa485955c87d9898b2a5969d6e58497d5d373b3';

describe('wire protocol', () => {
  let app: NestFastifyApplication;

  const post = async (url: string, payload?: string, headers: Record<string, string> = {}) => {
    const r = await app.inject({
      method: 'POST',
      url,
      payload: payload ?? '',
      headers: { accept: 'application/vnd.docker.plugins.v1.2+json', ...headers },
    });
    return { status: r.statusCode, body: r.body };
  };

  before(async () => {
    const config = loadConfig({
      OVN_DRIVER_NB: 'unix:/nonexistent/nb.sock',
      OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock',
      OVN_DRIVER_PORT: '0',
      OVN_DRIVER_LOG_FILE: '',
      // Never connected: verbs would wait for the first connection 10 s after start (reliability.test.ts).
      OVN_DRIVER_STARTUP_WAIT_S: '0',
    });
    ({ app } = await createDriverApp(config));
  });

  after(async () => {
    await app.close();
  });

  it('answers Activate with an empty body and no Content-Type', async () => {
    assert.deepEqual(await post('/Plugin.Activate'), { status: 200, body: '{"Implements":["NetworkDriver","IpamDriver"]}' });
  });

  it('answers GetCapabilities with the configured scope', async () => {
    assert.deepEqual(await post('/NetworkDriver.GetCapabilities'), { status: 200, body: '{"Scope":"local","ConnectivityScope":"local"}' });
  });

  it("parses JSON sent with curl's form content type", async () => {
    const r = await post('/NetworkDriver.DeleteNetwork', '{"NetworkID":"nope"}', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.deepEqual(r, {
      status: 400,
      body: '{"Err":"DeleteNetwork: NetworkID must be a 64-character lowercase hex Docker ID or a 25-character swarm ID"}',
    });
  });

  it('answers unknown paths with 404 and Err', async () => {
    assert.deepEqual(await post('/NetworkDriver.Frobnicate', '{}'), {
      status: 404,
      body: '{"Err":"Frobnicate: not implemented by this driver"}',
    });
    assert.deepEqual(await post('/nothing', '{}'), { status: 404, body: '{"Err":"/nothing: not implemented by this driver"}' });
  });

  it('answers malformed JSON with 400 and Err', async () => {
    const r = await post('/NetworkDriver.CreateNetwork', '{"NetworkID":');
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).Err, /^CreateNetwork: request body is not valid JSON/);
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const payload of ['[]', '"x"', '42', 'null']) {
      assert.deepEqual(
        await post('/NetworkDriver.DeleteNetwork', payload),
        { status: 400, body: '{"Err":"DeleteNetwork: request body must be a JSON object"}' },
        payload,
      );
    }
  });

  it('answers 503 with Err, quickly, while the OVSDB servers are unreachable', async () => {
    const body = (generic: Record<string, string>) =>
      JSON.stringify({
        NetworkID: ID,
        Options: { 'com.docker.network.generic': generic },
        IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.40.0.0/24', Gateway: '10.40.0.1/24' }],
        IPv6Data: [],
      });
    // A network records the chassis that made it (the local OVS DB's system-id), so that DB is asked first.
    for (const generic of [{ vrf: 'blue' }, {}] as Record<string, string>[]) {
      const r = await post('/NetworkDriver.CreateNetwork', body(generic));
      assert.equal(r.status, 503);
      assert.match(
        JSON.parse(r.body).Err,
        /^CreateNetwork: local Open_vSwitch DB \(unix:\/nonexistent\/db\.sock\) is not connected: connect ENOENT \/nonexistent\/db\.sock$/,
      );
    }
    // With the local DB up and NB down, the NB is named (test/integration/reliability.test.ts).
  });

  it("refuses -o options named like Object.prototype's members (constructor, valueOf, prototype) instead of dropping them", async () => {
    for (const key of ['valueOf', 'toString', 'hasOwnProperty', 'constructor', 'prototype']) {
      const body = JSON.stringify({
        NetworkID: ID,
        Options: { 'com.docker.network.generic': { [key]: 'v' } },
        IPv4Data: [{ Pool: '10.40.0.0/24' }],
      });
      const r = await post('/NetworkDriver.CreateNetwork', body);
      assert.equal(r.status, 400, key);
      assert.match(JSON.parse(r.body).Err, new RegExp(`^CreateNetwork: unknown option "${key}"`), key);
    }
  });

  it('never answers an error with 200', async () => {
    const r = await post('/NetworkDriver.Join', JSON.stringify({ NetworkID: ID, EndpointID: ID }));
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { Err: 'Join: SandboxKey must be a string' });
  });
});
