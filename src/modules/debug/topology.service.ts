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
    // Only this host's dockerd is asked, so only about networks it may know: those with an endpoint here,
    // or none yet (each host has its own NetworkIDs for a shared switch).
    const local = db.Networks.filter((n) => n.Endpoints.length === 0 || n.Endpoints.some((e) => !e.Chassis || e.Chassis === db.Chassis));
    const views = await Promise.all(local.map(async (n) => ({ n, view: await this.docker.network(n.NetworkID) })));
    const drawn = new Map(t.endpoints.map((x) => [x.id, x]));
    for (const { n, view } of views) {
      if (view.kind !== 'endpoints') continue;
      const sw = t.switches.find((s) => s.id === n.LogicalSwitch.Name && n.NetworkID.startsWith(s.network));
      if (sw && view.names.network) sw.name = view.names.network;
      for (const e of n.Endpoints) {
        const container = view.names.containers.get(e.EndpointID);
        const x = drawn.get(e.LogicalSwitchPort.Name);
        if (x && container) x.container = container;
      }
    }
    return t;
  }
}
