/**
 * Waits for every step, then throws the first failure: unlike Promise.all, no step is still running when
 * the caller moves on to undo what failed.
 */
export async function allDone(steps: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
