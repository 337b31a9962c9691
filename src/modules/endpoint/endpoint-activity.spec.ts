import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EndpointActivity } from './endpoint-activity';

describe(EndpointActivity.name, () => {
  it('runs verbs on one endpoint one at a time, others in parallel', async () => {
    const a = new EndpointActivity();
    const order: string[] = [];
    const step = (id: string, tag: string, ms: number) =>
      a.run(id, async () => {
        order.push(`${tag}+`);
        await sleep(ms);
        order.push(`${tag}-`);
      });
    await Promise.all([step('e1', 'join', 30), step('e1', 'leave', 1), step('e2', 'other', 5)]);
    assert.deepEqual(order, ['join+', 'other+', 'other-', 'join-', 'leave+', 'leave-']);
  });

  it('is busy during a verb and for a grace period after, and survives failures', async () => {
    const a = new EndpointActivity();
    let seenBusy = false;
    await assert.rejects(
      a.run('e1', async () => {
        seenBusy = a.isBusy('e1', 0);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(seenBusy);
    assert.ok(a.isBusy('e1', 60_000));
    assert.ok(!a.isBusy('e1', 0));
    assert.equal(await a.run('e1', async () => 42), 42);
  });
});
