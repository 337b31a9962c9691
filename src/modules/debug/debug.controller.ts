import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DriverConfig } from '../../config/driver-config';
import { DatabaseViewService } from './database-view.service';

/** Read-only views for operators, on the HTTP listener only (src/core/listeners.ts). */
@ApiTags('Debug')
@Controller()
export class DebugController {
  constructor(
    private readonly view: DatabaseViewService,
    private readonly config: DriverConfig,
  ) {}

  @Get('/NetworkDriver.Database')
  @ApiOperation({ operationId: 'Database', summary: "The driver's networks and endpoints with their OVN and OVS objects, read from NB and OVS" })
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
}
