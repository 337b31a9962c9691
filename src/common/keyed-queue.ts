/** Runs async tasks one at a time per key, in arrival order; different keys run in parallel. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly depth = new Map<string, number>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.depth.set(key, (this.depth.get(key) ?? 0) + 1);
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      const n = (this.depth.get(key) ?? 1) - 1;
      if (n > 0) this.depth.set(key, n);
      else this.depth.delete(key);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** True while a task for `key` is queued or running. */
  has(key: string): boolean {
    return this.depth.has(key);
  }
}
