import { Injectable } from '@nestjs/common';
import { KeyedQueue } from '../../common/keyed-queue';

/**
 * Endpoints (by EndpointID) and networks (by NetworkID) with a verb in progress. Verbs on one endpoint or
 * network run one at a time (a retried Join never interleaves with the first), and the reconciler leaves
 * busy ones alone: what looks orphaned between CreateEndpoint and Join, or between CreateNetwork and
 * dockerd storing the network, is work in progress (the seed's health check got this wrong).
 */
@Injectable()
export class VerbActivity {
  private readonly queue = new KeyedQueue();
  private readonly seen = new Map<string, number>();

  /** Runs `fn` after the earlier verbs on `id` (an endpoint's or a network's), marking it busy meanwhile. */
  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(id, fn);
    } finally {
      this.seen.set(id, Date.now());
      this.forgetOld();
    }
  }

  /** True while a verb runs on `id`, or ran less than `graceMs` ago. */
  isBusy(id: string, graceMs: number): boolean {
    if (this.queue.has(id)) return true;
    const last = this.seen.get(id);
    return last !== undefined && Date.now() - last < graceMs;
  }

  private forgetOld(): void {
    if (this.seen.size < 4096) return;
    const cutoff = Date.now() - 10 * 60_000;
    for (const [id, at] of this.seen) if (at < cutoff) this.seen.delete(id);
  }
}
