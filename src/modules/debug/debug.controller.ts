import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DriverConfig } from '../../config/driver-config';
import type { Topology } from '../../domain/topology';
import { ReconcilerService, type Orphans } from '../reconcile/reconciler.service';
import { DatabaseViewService } from './database-view.service';
import { topologyPage } from './topology-page';
import { TopologyService } from './topology.service';

/** Read-only views for operators, on the HTTP listener only (src/core/listeners.ts). */
@ApiTags('Debug')
@Controller()
export class DebugController {
  constructor(
    private readonly view: DatabaseViewService,
    private readonly reconciler: ReconcilerService,
    private readonly graph: TopologyService,
    private readonly config: DriverConfig,
  ) {}

  @Get('/NetworkDriver.Database')
  @ApiOperation({
    operationId: 'Database',
    summary: "The driver's networks and endpoints with their OVN and OVS objects, read from NB and OVS",
  })
  @ApiOkResponse({ description: 'Networks, routers, IPAM pools' })
  Database(): Record<string, unknown> {
    return this.view.database();
  }

  @Get('/debug/bridge')
  @ApiOperation({ operationId: 'Bridge', summary: 'The integration bridge: its OVS ports and interfaces' })
  @ApiOkResponse({ description: 'Ports with their interfaces' })
  Bridge(): Record<string, unknown> {
    return this.view.bridge(this.config.OVN_DRIVER_BRIDGE);
  }

  @Get('/debug/topology')
  @ApiOperation({
    operationId: 'Topology',
    summary: 'Vrf routers, switches and endpoints per chassis with their state, named as dockerd names them: what the /topology page draws',
  })
  @ApiOkResponse({ description: 'routers, switches, endpoints (up: logical port up; installed: ovn-installed on this host)' })
  Topology(): Promise<Topology> {
    return this.graph.topology();
  }

  @Get('/debug/orphans')
  @ApiOperation({
    operationId: 'Orphans',
    summary: 'What the reconciler would remove or mend on this host now (before its two-pass confirmation); changes nothing',
  })
  @ApiOkResponse({
    description:
      "OVS ports, veths, logical ports and networks to remove; running containers' veths to plug back (unplugged) or without a logical port (stranded); why dockerd could not be asked; the reconciler interval (0: off)",
  })
  async Orphans(): Promise<Orphans & { reconcileIntervalS: number }> {
    return { ...(await this.reconciler.orphans()), reconcileIntervalS: this.config.OVN_DRIVER_RECONCILE_INTERVAL_S };
  }

  /** The topology drawn in the browser; a page, not part of the API. */
  @Get('/topology')
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  TopologyPage(): string {
    return topologyPage();
  }
}
