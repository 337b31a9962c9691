/**
 * Endpoint lifecycles through the driver's plugin socket, with the requests dockerd sends
 * (CreateEndpoint, Join, Leave, DeleteEndpoint), timed per verb.
 */
import { DriverProcess, WireReply } from '../test/harness/driver-process';
import { dockerId, now } from './lib';

export const VERBS = ['CreateEndpoint', 'Join', 'Leave', 'DeleteEndpoint'] as const;
export type Verb = (typeof VERBS)[number];

function ok(verb: string, r: WireReply): void {
  if (r.status !== 200) throw new Error(`${verb} answered ${r.status}: ${r.raw}`);
}

/** One network of the driver and a counter handing out its addresses. */
export class DriverNetwork {
  readonly networkId = dockerId();
  private next = 0;

  /**
   * `base` is the first two octets of a /16, e.g. "10.77"; `generic` the network's `-o` options; `options`
   * what CreateEndpoint carries besides (exposed ports, driver options).
   */
  constructor(
    readonly driver: DriverProcess,
    private readonly base: string,
    private readonly generic: Record<string, string> = {},
    private readonly options: Record<string, unknown> = {},
  ) {}

  async create(): Promise<void> {
    const r = await this.driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: this.networkId,
      Options: { 'com.docker.network.enable_ipv6': false, 'com.docker.network.generic': this.generic },
      IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: `${this.base}.0.0/16`, Gateway: `${this.base}.0.1/16` }],
      IPv6Data: [],
    });
    ok('CreateNetwork', r);
  }

  async remove(): Promise<void> {
    ok('DeleteNetwork', await this.driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: this.networkId }));
  }

  /** An address of the /16 not handed out before (addresses cycle after 60,000 lifecycles). */
  address(): string {
    const n = 2 + (this.next++ % 60_000);
    return `${this.base}.${Math.floor(n / 250)}.${(n % 250) + 2}/16`;
  }

  /** One lifecycle; resolves with the milliseconds each verb took. */
  async lifecycle(): Promise<Record<Verb, number>> {
    const endpointId = dockerId();
    const body = { NetworkID: this.networkId, EndpointID: endpointId };
    const times = {} as Record<Verb, number>;
    const step = async (verb: Verb, payload: unknown) => {
      const t0 = now();
      const r = await this.driver.post(`/NetworkDriver.${verb}`, payload);
      times[verb] = now() - t0;
      ok(verb, r);
    };
    try {
      await step('CreateEndpoint', {
        ...body,
        Interface: { Address: this.address(), AddressIPv6: '', MacAddress: '' },
        Options: this.options,
      });
      await step('Join', { ...body, SandboxKey: `/var/run/docker/netns/bench${endpointId.slice(0, 12)}`, Options: {} });
      await step('Leave', body);
      await step('DeleteEndpoint', body);
    } catch (e) {
      // What dockerd does after a failure: DeleteEndpoint (idempotent).
      await this.driver.post('/NetworkDriver.DeleteEndpoint', body).catch(() => undefined);
      throw e;
    }
    return times;
  }
}

/** Per-verb samples and whole-lifecycle samples of many lifecycles. */
export class LifecycleSamples {
  readonly total: number[] = [];
  readonly verbs: Record<Verb, number[]> = { CreateEndpoint: [], Join: [], Leave: [], DeleteEndpoint: [] };

  add(times: Record<Verb, number>): void {
    let sum = 0;
    for (const v of VERBS) {
      this.verbs[v].push(times[v]);
      sum += times[v];
    }
    this.total.push(sum);
  }
}
