import { Injectable } from '@nestjs/common';

/**
 * Endpoints with a verb in progress. Verbs on one endpoint run one at a time (a retried Join never
 * interleaves with the first), and the reconciler leaves busy endpoints alone: what looks orphaned
 * between CreateEndpoint and Join is work in progress (the seed's health check got this wrong).
 */
@Injectable()
export class EndpointActivity {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly busy = new Map<string, number>();
  private readonly seen = new Map<string, number>();

  /** Runs `fn` after the endpoint's earlier verbs, marking it busy meanwhile. */
  async run<T>(endpointId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(endpointId) ?? Promise.resolve();
    this.busy.set(endpointId, (this.busy.get(endpointId) ?? 0) + 1);
    const current = previous.catch(() => undefined).then(fn);
    const tail = current.catch(() => undefined);
    this.tails.set(endpointId, tail);
    try {
      return await current;
    } finally {
      const n = (this.busy.get(endpointId) ?? 1) - 1;
      if (n > 0) this.busy.set(endpointId, n);
      else this.busy.delete(endpointId);
      this.seen.set(endpointId, Date.now());
      if (this.tails.get(endpointId) === tail) this.tails.delete(endpointId);
      this.forgetOld();
    }
  }

  /** True while a verb runs on the endpoint, or ran less than `graceMs` ago. */
  isBusy(endpointId: string, graceMs: number): boolean {
    if (this.busy.has(endpointId)) return true;
    const last = this.seen.get(endpointId);
    return last !== undefined && Date.now() - last < graceMs;
  }

  private forgetOld(): void {
    if (this.seen.size < 4096) return;
    const cutoff = Date.now() - 10 * 60_000;
    for (const [id, at] of this.seen) if (at < cutoff) this.seen.delete(id);
  }
}
