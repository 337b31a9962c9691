import type { OvsdbClient } from './client';
import { OvsdbTimeoutError } from './errors';
import { op } from './ops';

/**
 * `ovn-nbctl --wait=hv` (ovn-nbctl(8)): bump NB_Global.nb_cfg in a transaction, then wait until
 * NB_Global.hv_cfg — the minimum nb_cfg every chassis' ovn-controller has acted on — reaches it.
 * The client must monitor NB_Global (nb_cfg, hv_cfg). Resolves with the awaited nb_cfg value.
 */
export async function waitForHypervisors(client: OvsdbClient, options: { timeoutMs?: number } = {}): Promise<number | bigint> {
  const [, sel] = await client.transact([op.mutate('NB_Global', [], [['nb_cfg', '+=', 1]]), op.select('NB_Global', [], ['nb_cfg'])]);
  const target = sel.rows[0]?.nb_cfg as number | bigint | undefined;
  if (target === undefined) throw new Error('NB_Global has no row');
  await client.waitFor(
    (cache) => {
      for (const row of cache.table('NB_Global').values()) if ((row.hv_cfg as number | bigint) >= target) return true;
      return undefined;
    },
    { timeoutMs: options.timeoutMs ?? 30000 },
  );
  return target;
}

/**
 * Acquires an OVSDB lock (RFC 7047 §4.1.8), waiting for the `locked` notification if another client
 * holds it. Resolves with a release function. The client re-requests held locks after a reconnect;
 * listen to `stolen` to learn you lost it.
 */
export async function acquireLock(
  client: OvsdbClient,
  lockId: string,
  options: { timeoutMs?: number; steal?: boolean } = {},
): Promise<() => Promise<void>> {
  const release = async (): Promise<void> => {
    await client.unlock(lockId);
  };
  let onLocked: ((id: unknown) => void) | undefined;
  const locked = new Promise<void>((resolve) => {
    onLocked = (id) => id === lockId && resolve();
    client.on('locked', onLocked);
  });
  try {
    const reply = options.steal ? await client.steal(lockId) : await client.lock(lockId);
    if (reply.locked) return release;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (options.timeoutMs)
        timer = setTimeout(
          () => reject(new OvsdbTimeoutError(`lock ${lockId} not acquired within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
    });
    try {
      await Promise.race([locked, timeout]);
    } catch (err) {
      await client.unlock(lockId).catch(() => undefined);
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
    }
    return release;
  } finally {
    client.off('locked', onLocked!);
  }
}
