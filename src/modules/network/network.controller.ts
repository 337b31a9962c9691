import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
import { NetworkService } from './network.service';
import { Verb } from '../../protocol/verb.decorator';

/** Network-level verbs of libnetwork's remote driver protocol (libnetwork/docs/remote.md). */
@ApiTags('NetworkDriver')
@Controller()
export class NetworkController {
  constructor(private readonly networks: NetworkService) {}

  @Verb(R.GetCapabilities, { summary: 'Scope of the networks this driver makes', ok: CapabilitiesResponse })
  GetCapabilities(): CapabilitiesResponse {
    return this.networks.capabilities();
  }

  @Verb(R.CreateNetwork, { summary: 'Create (or join) the OVN logical switch for (vrf, subnet)', ok: EmptyResponse, errors: [409, 503] })
  async CreateNetwork(@Body() req: CreateNetworkRequest): Promise<EmptyResponse> {
    await this.networks.createNetwork(req);
    return {};
  }

  @Verb(R.DeleteNetwork, {
    summary: 'Drop the network; the switch goes with its last network. Unknown IDs succeed.',
    ok: EmptyResponse,
    errors: [409, 503],
  })
  async DeleteNetwork(@Body() req: NetworkRequest): Promise<EmptyResponse> {
    await this.networks.deleteNetwork(req.NetworkID);
    return {};
  }

  @Verb(R.AllocateNetwork, {
    summary: 'Swarm managers only: the -o options are checked and handed back for every node; nothing else to allocate',
    ok: AllocateNetworkResponse,
  })
  AllocateNetwork(@Body() req: AllocateNetworkRequest): AllocateNetworkResponse {
    return { Options: this.networks.allocateNetwork(req) };
  }

  @Verb(R.FreeNetwork, { summary: 'Swarm managers only: nothing was allocated', ok: EmptyResponse })
  FreeNetwork(@Body() _req: NetworkRequest): EmptyResponse {
    return {};
  }

  @Verb(R.DiscoverNew, { summary: 'Node discovery: OVN learns chassis through its Southbound DB', ok: EmptyResponse })
  DiscoverNew(@Body() _req: DiscoveryRequest): EmptyResponse {
    return {};
  }

  @Verb(R.DiscoverDelete, { summary: 'Node discovery: OVN learns chassis through its Southbound DB', ok: EmptyResponse })
  DiscoverDelete(@Body() _req: DiscoveryRequest): EmptyResponse {
    return {};
  }
}
