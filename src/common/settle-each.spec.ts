import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleEach } from './settle-each';

describe(settleEach.name, () => {
  it('runs at most `limit` at a time and settles every item in order, failures included', async () => {
    let running = 0;
    let most = 0;
    const results = await settleEach([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 + (n % 3)));
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    assert.equal(most, 3);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [10, 20, 30, 'four', 50, 60, 70],
    );
  });

  it('settles an empty list at once', async () => {
    assert.deepEqual(await settleEach([], 4, () => Promise.resolve(1)), []);
  });
});
