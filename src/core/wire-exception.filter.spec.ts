import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { OvsdbConflictError, OvsdbDisconnectedError, OvsdbOpError, OvsdbTimeoutError } from 'ovsdb-client';
import { ConflictError, UnavailableError } from '../protocol/errors';
import { WireExceptionFilter } from './wire-exception.filter';

/** Runs the filter on one exception as if it came from `url`; returns what the reply was given. */
function answer(exception: unknown, url = '/NetworkDriver.CreateEndpoint', method = 'POST'): { status: number; body: { Err: string } } {
  const sent: { status?: number; body?: { Err: string } } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: { Err: string }) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ url, method }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  new WireExceptionFilter().catch(exception, host);
  return { status: sent.status!, body: sent.body! };
}

describe(WireExceptionFilter.name, () => {
  it('answers 503 naming the DB condition when OVSDB times out or drops during a verb', () => {
    for (const e of [new OvsdbTimeoutError('transact: no reply within 4000 ms'), new OvsdbDisconnectedError('connection closed')]) {
      const r = answer(e);
      assert.equal(r.status, 503);
      assert.match(r.body.Err, /^CreateEndpoint: OVSDB not reachable \(.*\); retry later$/);
    }
  });

  it('answers 409 when optimistic concurrency gave up on rows other writers kept changing', () => {
    const r = answer(new OvsdbConflictError(20, new OvsdbOpError('timed out', 'wait failed', 0, 'wait')), '/NetworkDriver.CreateNetwork');
    assert.deepEqual(r, {
      status: 409,
      body: { Err: 'CreateNetwork: OVN Northbound kept changing under this request (20 attempts); try again' },
    });
  });

  it("logs a verb's 503 as a warning, an operator GET's (a page polling during an outage) at debug", () => {
    const warn = mock.method(Logger.prototype, 'warn', () => undefined);
    const debug = mock.method(Logger.prototype, 'debug', () => undefined);
    try {
      const down = new UnavailableError('OVN Northbound DB is not connected');
      assert.equal(answer(down).status, 503);
      assert.equal(answer(down, '/debug/topology', 'GET').status, 503);
      assert.deepEqual([warn.mock.callCount(), debug.mock.callCount()], [1, 1]);
    } finally {
      warn.mock.restore();
      debug.mock.restore();
    }
  });

  it('keeps a driver error its own status and message', () => {
    const r = answer(new ConflictError('ADDRESS_IN_USE', 'address 10.0.0.2 is held by endpoint x'), '/NetworkDriver.Join');
    assert.deepEqual(r, { status: 409, body: { Err: 'Join: address 10.0.0.2 is held by endpoint x' } });
  });

  it('answers anything unexpected with 500 and no internals', () => {
    const r = answer(new OvsdbOpError('constraint violation', 'secret detail', 0, 'insert'));
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.body.Err, /secret detail/);
  });
});
