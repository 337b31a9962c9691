import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  CreateEndpointRequest,
  CreateEndpointResponse,
  EndpointOperInfoResponse,
  EndpointRequest,
  ExternalConnectivityRequest,
  JoinRequest,
  JoinResponse,
} from '../../protocol/endpoint.dto';
import { EmptyResponse } from '../../protocol/plugin.dto';
import { NetworkDriverRoute as R } from '../../protocol/routes';
import { EndpointService } from './endpoint.service';
import { Verb } from '../../protocol/verb.decorator';

/** Endpoint-level verbs of libnetwork's remote driver protocol (libnetwork/docs/remote.md). */
@ApiTags('NetworkDriver')
@Controller()
export class EndpointController {
  constructor(private readonly endpoints: EndpointService) {}

  @Verb(R.CreateEndpoint, {
    summary: 'Create the logical switch port ("MAC IP", port security) and its veth on br-int',
    ok: CreateEndpointResponse,
    errors: [409, 503],
  })
  CreateEndpoint(@Body() req: CreateEndpointRequest): Promise<CreateEndpointResponse> {
    return this.endpoints.createEndpoint(req);
  }

  @Verb(R.DeleteEndpoint, {
    summary: 'Remove the logical switch port and its veth. Unknown IDs succeed.',
    ok: EmptyResponse,
    errors: [503],
  })
  async DeleteEndpoint(@Body() req: EndpointRequest): Promise<EmptyResponse> {
    await this.endpoints.deleteEndpoint(req.EndpointID);
    return {};
  }

  @Verb(R.EndpointOperInfo, { summary: 'Operational details shown by docker inspect', ok: EndpointOperInfoResponse, errors: [503] })
  EndpointOperInfo(@Body() req: EndpointRequest): EndpointOperInfoResponse {
    return { Value: this.endpoints.operInfo(req.EndpointID) };
  }

  @Verb(R.Join, {
    summary: "Record the sandbox on the endpoint's br-int port and answer once OVN has installed its flows",
    ok: JoinResponse,
    errors: [503],
  })
  Join(@Body() req: JoinRequest): Promise<JoinResponse> {
    return this.endpoints.join(req);
  }

  @Verb(R.Leave, { summary: 'Unplug the veth from br-int and delete it. Unknown IDs succeed.', ok: EmptyResponse, errors: [503] })
  async Leave(@Body() req: EndpointRequest): Promise<EmptyResponse> {
    await this.endpoints.leave(req.EndpointID);
    return {};
  }

  @Verb(R.ProgramExternalConnectivity, { summary: 'Port publishing: accepted, handled by Docker', ok: EmptyResponse })
  ProgramExternalConnectivity(@Body() _req: ExternalConnectivityRequest): EmptyResponse {
    return {};
  }

  @Verb(R.RevokeExternalConnectivity, { summary: 'Port publishing: accepted, handled by Docker', ok: EmptyResponse })
  RevokeExternalConnectivity(@Body() _req: EndpointRequest): EmptyResponse {
    return {};
  }
}
