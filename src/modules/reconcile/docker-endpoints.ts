import { request } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DriverConfig } from '../../config/driver-config';

/** What the local dockerd says about a network's endpoints. */
export type DockerView =
  /** `why`: the socket error or status, for the reconciler's warning and doctor. */
  | { kind: 'unreachable'; why: string }
  | { kind: 'no-network' }
  /** `names`: the network's name, and each endpoint's container name (what the topology page shows). */
  | { kind: 'endpoints'; ids: Set<string>; names: { network: string; containers: Map<string, string> } };

const unreachable = (why: string): DockerView => ({ kind: 'unreachable', why });

/**
 * Asks the Docker Engine API (GET /networks/{id}, as the seed's health check did) which endpoints a
 * network has on this host. Unreachable means "don't know": the reconciler then removes no LSP.
 */
@Injectable()
export class DockerEndpoints {
  constructor(private readonly config: DriverConfig) {}

  network(networkId: string): Promise<DockerView> {
    return new Promise((resolve) => {
      const req = request(
        { socketPath: this.config.OVN_DRIVER_DOCKER_SOCKET, path: `/networks/${networkId}`, method: 'GET', timeout: 3000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          // A response cut short (dockerd restarting, the idle timeout below) ends with 'error' and 'close'
          // but no 'end': without these the promise, and the reconciler's pass awaiting it, would never settle.
          res.on('error', (e) => resolve(unreachable(e.message)));
          res.on('close', () => {
            if (!res.complete) resolve(unreachable('the answer was cut short'));
          });
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            if (res.statusCode === 404) return resolve({ kind: 'no-network' });
            if (res.statusCode !== 200) return resolve(unreachable(`HTTP ${res.statusCode} for GET /networks/{id}`));
            try {
              const net = JSON.parse(body) as { Name?: string; Containers?: Record<string, { EndpointID?: string; Name?: string }> };
              const containers = Object.values(net.Containers ?? {});
              resolve({
                kind: 'endpoints',
                ids: new Set(containers.map((c) => c.EndpointID ?? '')),
                names: { network: net.Name ?? '', containers: new Map(containers.map((c) => [c.EndpointID ?? '', c.Name ?? ''])) },
              });
            } catch {
              resolve(unreachable('GET /networks/{id} answered no JSON'));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 3 s')));
      req.on('error', (e) => resolve(unreachable(e.message)));
      req.end();
    });
  }
}
