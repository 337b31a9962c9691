import { request } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';

/** What the local dockerd says about a network's endpoints. */
export type DockerView =
  /** `why`: the socket error or status, for the reconciler's warning and doctor. */
  | { kind: 'unreachable'; why: string }
  | { kind: 'no-network' }
  /** `names`: the network's name, and each endpoint's container name (what the topology page shows). */
  | { kind: 'endpoints'; ids: Set<string>; names: { network: string; containers: Map<string, string> }; containerOf: Map<string, string> };

/** One GET of the Engine API: its status and JSON body, or why there is none. */
type Answer = { status: number; body: unknown } | { why: string };

const unreachable = (why: string): DockerView => ({ kind: 'unreachable', why });

/**
 * Asks the Docker Engine API (GET /networks/{id}, as the seed's health check did) which endpoints a
 * network has on this host. Unreachable means "don't know": the reconciler then removes no LSP.
 */
@Injectable()
export class DockerEndpoints {
  constructor(private readonly config: DriverConfig) {}

  async network(networkId: string): Promise<DockerView> {
    const a = await this.get(`/networks/${networkId}`);
    if ('why' in a) return unreachable(a.why);
    if (a.status === 404) return { kind: 'no-network' };
    if (a.status !== 200) return unreachable(`HTTP ${a.status} for GET /networks/{id}`);
    // Anything but an object fails safe: an empty list would make every endpoint of the network look gone.
    if (typeof a.body !== 'object' || a.body === null) return unreachable('GET /networks/{id} answered no network');
    const net = a.body as { Name?: string; Containers?: Record<string, { EndpointID?: string; Name?: string }> };
    const containers = Object.entries(net.Containers ?? {});
    return {
      kind: 'endpoints',
      ids: new Set(containers.map(([, c]) => c.EndpointID ?? '')),
      names: { network: net.Name ?? '', containers: new Map(containers.map(([, c]) => [c.EndpointID ?? '', c.Name ?? ''])) },
      containerOf: new Map(containers.map(([id, c]) => [c.EndpointID ?? '', id])),
    };
  }

  /**
   * The SandboxKey of the container holding the endpoint (GET /containers/{id}/json), when dockerd says;
   * `known`: the network's view when the caller has it already.
   */
  async sandboxKeyOf(networkId: string, endpointId: string, known?: DockerView): Promise<string | undefined> {
    const view = known ?? (await this.network(networkId));
    const container = view.kind === 'endpoints' ? view.containerOf.get(endpointId) : undefined;
    if (!container || !/^[0-9a-f]{64}$/.test(container)) return undefined;
    const a = await this.get(`/containers/${container}/json`);
    if ('why' in a || a.status !== 200) return undefined;
    const key = (a.body as { NetworkSettings?: { SandboxKey?: unknown } } | undefined)?.NetworkSettings?.SandboxKey;
    return typeof key === 'string' && key.startsWith('/') ? key : undefined;
  }

  private get(path: string): Promise<Answer> {
    return new Promise((resolve) => {
      const req = request({ socketPath: this.config.OVN_DRIVER_DOCKER_SOCKET, path, method: 'GET', timeout: 3000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        // A response cut short (dockerd restarting, the idle timeout below) ends with 'error' and 'close'
        // but no 'end': without these the promise, and the reconciler's pass awaiting it, would never settle.
        res.on('error', (e) => resolve({ why: e.message }));
        res.on('close', () => {
          if (!res.complete) resolve({ why: 'the answer was cut short' });
        });
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve({ status: res.statusCode ?? 0, body: undefined });
          try {
            resolve({ status: 200, body: JSON.parse(body) as unknown });
          } catch {
            resolve({ why: `GET ${path.replace(/[0-9a-f]{12,}/g, '{id}')} answered no JSON` });
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 3 s')));
      req.on('error', (e) => resolve({ why: e.message }));
      req.end();
    });
  }
}
