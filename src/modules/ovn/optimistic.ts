import { OvsdbOpError } from 'ovsdb-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../protocol/errors';


/**
 * Runs a read-check-write step until its `wait` preconditions hold (RFC 7047 §5.2.6: a failed wait with
 * timeout 0 answers "timed out"). Each attempt re-reads the cache, which the monitor has updated with
 * the competing write; a short jittered pause keeps two hosts from colliding again in lockstep.
 */
export async function optimistic(step: () => Promise<void>, attempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof OvsdbOpError && e.error === 'timed out')) throw e;
      if (attempt >= attempts) throw new ConflictError('OVN_CONTENTION', `NB kept changing under this request (${attempts} attempts); try again`);
      await sleep(Math.min(50, 2 * attempt) + Math.random() * 5 * Math.min(attempt, 10));
    }
  }
}
