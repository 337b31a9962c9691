import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerbActivity } from './verb-activity';

describe(VerbActivity.name, () => {
  it('runs verbs on one endpoint one at a time, others in parallel', async () => {
    const a = new VerbActivity();
    const order: string[] = [];
    // The first verb on e1 holds until released: the order depends on the queue alone, not on timing.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const verb = (id: string, tag: string, wait?: Promise<void>) =>
      a.run(id, async () => {
        order.push(`${tag}+`);
        await wait;
        order.push(`${tag}-`);
      });
    const join = verb('e1', 'join', held);
    const leave = verb('e1', 'leave');
    await verb('e2', 'other');
    assert.deepEqual(order, ['join+', 'other+', 'other-'], 'e2 ran while e1 was busy; leave waited');
    release();
    await Promise.all([join, leave]);
    assert.deepEqual(order, ['join+', 'other+', 'other-', 'join-', 'leave+', 'leave-']);
  });

  it('is busy during a verb and for a grace period after, and survives failures', async () => {
    const a = new VerbActivity();
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
