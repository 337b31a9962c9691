import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { verbLogOptions } from './verb-log';
import { errText, markStart, recordErr, verbLabel } from './verb-outcome';

const req = (url: string, method = 'POST') => ({ url, method }) as IncomingMessage;
const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe(verbLogOptions.name, () => {
  const opts = verbLogOptions('info');
  const level = (url: string, status: number) => opts.customLogLevel!(req(url), res(status), undefined);

  it('logs verbs at info, warn for 4xx, error for 5xx; operator endpoints at debug', () => {
    assert.equal(level('/NetworkDriver.Join', 200), 'info');
    assert.equal(level('/NetworkDriver.Join', 400), 'warn');
    assert.equal(level('/NetworkDriver.Join', 404), 'warn');
    assert.equal(level('/IpamDriver.RequestAddress', 503), 'error');
    assert.equal(level('/metrics', 200), 'debug');
    assert.equal(level('/readyz', 503), 'debug');
    assert.equal(opts.customLogLevel!(req('/NetworkDriver.Database', 'GET'), res(200), undefined), 'debug');
  });

  it('gives one line with verb, status, duration_ms and the Err text', () => {
    const r = res(503);
    markStart(r);
    recordErr(r, 'Join: OVN Northbound DB is not connected');
    const line = opts.customErrorObject!(req('/NetworkDriver.Join'), r, new Error('x'), { responseTime: 3 }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(line), ['verb', 'status', 'duration_ms', 'err']);
    assert.equal(line.verb, 'NetworkDriver.Join');
    assert.equal(line.status, 503);
    assert.equal(line.err, 'Join: OVN Northbound DB is not connected');
    assert.equal(typeof line.duration_ms, 'number');
    const message = opts.customErrorMessage!(req('/NetworkDriver.Join'), r, new Error('x'));
    assert.equal(message, `NetworkDriver.Join 503 in ${line.duration_ms} ms: Join: OVN Northbound DB is not connected`);
  });

  it('names an unknown verb by its path and anything else by method and path', () => {
    const ok = opts.customSuccessMessage!(req('/NetworkDriver.Future?x'), res(404), 2);
    assert.equal(ok, 'NetworkDriver.Future 404 in 2 ms');
    assert.equal(opts.customSuccessMessage!(req('/metrics?x=1', 'GET'), res(200), 1), 'GET /metrics 200 in 1 ms');
  });
});

describe('verb labels and Err text', () => {
  it('bounds metric labels to the served verbs', () => {
    assert.equal(verbLabel('POST', '/NetworkDriver.CreateEndpoint'), 'NetworkDriver.CreateEndpoint');
    assert.equal(verbLabel('POST', '/IpamDriver.GetCapabilities'), 'IpamDriver.GetCapabilities');
    assert.equal(verbLabel('POST', '/Plugin.Activate'), 'Plugin.Activate');
    assert.equal(verbLabel('POST', '/NetworkDriver.Whatever'), 'other');
    assert.equal(verbLabel('POST', '/log-level'), undefined);
    assert.equal(verbLabel('POST', '/docs/index.html'), undefined);
    assert.equal(verbLabel('GET', '/NetworkDriver.Database'), undefined);
  });

  it('reads Err from an error body only', () => {
    assert.equal(errText('{"Err":"Join: boom"}'), 'Join: boom');
    assert.equal(errText('{"Scope":"local"}'), undefined);
    assert.equal(errText('{"Err":'), undefined);
    assert.equal(errText(Buffer.from('{"Err":"x"}')), undefined);
  });
});
