import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EmptyResponse } from '../../protocol/plugin.dto';
import {
  AllocateNetworkRequest,
  AllocateNetworkResponse,
  CapabilitiesResponse,
  CreateNetworkRequest,
  DiscoveryRequest,
  NetworkRequest,
} from '../../protocol/network.dto';
import { NetworkDriverRoute as R } from '../../protocol/routes';
import { WireErrors } from '../../protocol/wire-errors';
import { NetworkService } from './network.service';

/** Network-level verbs of libnetwork's remote driver protocol (libnetwork/docs/remote.md). */
@ApiTags('NetworkDriver')
@Controller()
export class NetworkController {
  constructor(private readonly networks: NetworkService) {}

  @Post(R.GetCapabilities)
  @HttpCode(200)
  @ApiOperation({ operationId: 'GetCapabilities', summary: 'Scope of the networks this driver makes' })
  @ApiOkResponse({ type: CapabilitiesResponse })
  GetCapabilities(): CapabilitiesResponse {
    return this.networks.capabilities();
  }

  @Post(R.CreateNetwork)
  @HttpCode(200)
  @ApiOperation({ operationId: 'CreateNetwork', summary: 'Create (or join) the OVN logical switch for (vrf, subnet)' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(409, 503)
  async CreateNetwork(@Body() req: CreateNetworkRequest): Promise<EmptyResponse> {
    await this.networks.createNetwork(req);
    return {};
  }

  @Post(R.DeleteNetwork)
  @HttpCode(200)
  @ApiOperation({ operationId: 'DeleteNetwork', summary: 'Drop the network; the switch goes with its last network. Unknown IDs succeed.' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(409, 503)
  async DeleteNetwork(@Body() req: NetworkRequest): Promise<EmptyResponse> {
    await this.networks.deleteNetwork(req.NetworkID);
    return {};
  }

  @Post(R.AllocateNetwork)
  @HttpCode(200)
  @ApiOperation({ operationId: 'AllocateNetwork', summary: 'Swarm managers only: nothing to allocate globally; options are handed back' })
  @ApiOkResponse({ type: AllocateNetworkResponse })
  AllocateNetwork(@Body() _req: AllocateNetworkRequest): AllocateNetworkResponse {
    return { Options: {} };
  }

  @Post(R.FreeNetwork)
  @HttpCode(200)
  @ApiOperation({ operationId: 'FreeNetwork', summary: 'Swarm managers only: nothing was allocated' })
  @ApiOkResponse({ type: EmptyResponse })
  FreeNetwork(@Body() _req: NetworkRequest): EmptyResponse {
    return {};
  }

  @Post(R.DiscoverNew)
  @HttpCode(200)
  @ApiOperation({ operationId: 'DiscoverNew', summary: 'Node discovery: OVN learns chassis through its Southbound DB' })
  @ApiOkResponse({ type: EmptyResponse })
  DiscoverNew(@Body() _req: DiscoveryRequest): EmptyResponse {
    return {};
  }

  @Post(R.DiscoverDelete)
  @HttpCode(200)
  @ApiOperation({ operationId: 'DiscoverDelete', summary: 'Node discovery: OVN learns chassis through its Southbound DB' })
  @ApiOkResponse({ type: EmptyResponse })
  DiscoverDelete(@Body() _req: DiscoveryRequest): EmptyResponse {
    return {};
  }
}
