import { Injectable } from '@nestjs/common';
import { topology, type DatabaseView, type Topology } from '../../domain/topology';
import { DockerEndpoints } from '../reconcile/docker-endpoints';
import { DatabaseViewService } from './database-view.service';

/**
 * The graph /topology draws: the Database view's routers, switches and endpoints, with the names dockerd
 * gives them on this host (network and container names: the driver's NB rows carry only IDs). When
 * dockerd does not answer, the graph comes without names.
 */
@Injectable()
export class TopologyService {
  constructor(
    private readonly view: DatabaseViewService,
    private readonly docker: DockerEndpoints,
  ) {}

  async topology(): Promise<Topology> {
    const db = this.view.database() as unknown as DatabaseView;
    const t = topology(db);
    const views = await Promise.all(db.Networks.map(async (n) => ({ n, view: await this.docker.network(n.NetworkID) })));
    for (const { n, view } of views) {
      if (view.kind !== 'endpoints') continue;
      const sw = t.switches.find((s) => s.id === n.LogicalSwitch.Name && n.NetworkID.startsWith(s.network));
      if (sw && view.names.network) sw.name = view.names.network;
      for (const e of n.Endpoints) {
        const container = view.names.containers.get(e.EndpointID);
        const drawn = t.endpoints.find((x) => x.id === e.LogicalSwitchPort.Name);
        if (drawn && container) drawn.container = container;
      }
    }
    return t;
  }
}
