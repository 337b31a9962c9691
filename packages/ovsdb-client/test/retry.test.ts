import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OvsdbCache,
  OvsdbConflictError,
  OvsdbOpError,
  Op,
  RetryableClient,
  ResultsOf,
  backoffMs,
  op,
  retryOnConflict,
  withRetry,
} from '../src';

const conflict = (): OvsdbOpError => new OvsdbOpError('timed out', '"wait" timed out', 0, 'wait');

/** A client that fails the first `conflicts` transactions with a failed verify and records what it ran. */
class ScriptedClient implements RetryableClient {
  readonly cache = new OvsdbCache();
  changeSeq = 0;
  transacted: (readonly Op[])[] = [];
  waitedForChange = 0;
  constructor(private conflicts: number) {}
  async transact<T extends readonly Op[]>(ops: T): Promise<ResultsOf<T>> {
    this.transacted.push(ops);
    if (this.conflicts-- > 0) throw conflict();
    return ops.map(() => ({})) as ResultsOf<T>;
  }
  async nextChange(): Promise<void> {
    this.waitedForChange++;
    this.changeSeq++;
  }
}

const FAST = { baseDelayMs: 0, maxDelayMs: 0 };

describe('withRetry', () => {
  it('sends nothing and resolves null when build says there is nothing to do', async () => {
    const client = new ScriptedClient(0);
    const result = await withRetry(client, () => null);
    assert.equal(result, null);
    assert.equal(client.transacted.length, 0);
  });

  it('rebuilds after a failed verify, waiting for the cache to move first', async () => {
    const client = new ScriptedClient(2);
    let builds = 0;
    await withRetry(client, () => (builds++, [op.comment('x')]), FAST);
    assert.equal(builds, 3);
    assert.equal(client.transacted.length, 3);
    assert.equal(client.waitedForChange, 2);
  });

  it('does not wait for the cache when it already moved during the attempt', async () => {
    const client = new ScriptedClient(1);
    await withRetry(
      client,
      () => {
        client.changeSeq++;
        return [op.comment('x')];
      },
      FAST,
    );
    assert.equal(client.waitedForChange, 0);
  });

  it('gives up with OvsdbConflictError naming the attempts, the last failure as cause', async () => {
    const client = new ScriptedClient(100);
    await assert.rejects(
      withRetry(client, () => [op.comment('x')], { ...FAST, attempts: 3 }),
      (err: unknown) => {
        assert.ok(err instanceof OvsdbConflictError);
        assert.equal(err.attempts, 3);
        assert.ok(err.cause instanceof OvsdbOpError);
        assert.match(err.message, /gave up after 3 attempts/);
        return true;
      },
    );
    assert.equal(client.transacted.length, 3);
  });

  it('passes other errors through at once', async () => {
    const client = new ScriptedClient(0);
    const constraint = new OvsdbOpError('constraint violation', 'dup', 0, 'insert');
    await assert.rejects(
      retryOnConflict(async () => {
        throw constraint;
      }),
      (err) => err === constraint,
    );
    // "timed out" from an op that is not a wait is not a conflict.
    let runs = 0;
    await assert.rejects(
      retryOnConflict(async () => {
        runs++;
        throw new OvsdbOpError('timed out', undefined, 0, 'insert');
      }, FAST),
      OvsdbOpError,
    );
    assert.equal(runs, 1);
    assert.equal(client.transacted.length, 0);
  });

  it('retries a step that transacts itself and returns its value', async () => {
    let runs = 0;
    const value = await retryOnConflict(async (n) => {
      runs++;
      if (n < 3) throw conflict();
      return 'done';
    }, FAST);
    assert.equal(value, 'done');
    assert.equal(runs, 3);
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, jittered within [d/2, d]', () => {
    const opts = { baseDelayMs: 4, maxDelayMs: 50 };
    assert.equal(backoffMs(1, { ...opts, random: () => 0 }), 2);
    assert.equal(backoffMs(1, { ...opts, random: () => 0.999999 }) <= 4, true);
    assert.equal(backoffMs(3, { ...opts, random: () => 0 }), 8);
    assert.equal(backoffMs(10, { ...opts, random: () => 0 }), 25);
    assert.equal(backoffMs(1000, { ...opts, random: () => 0.5 }), 37.5);
  });
});
