import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { WireErrors } from '../../protocol/wire-errors';
import { EndpointService } from './endpoint.service';

/** Endpoint-level verbs of libnetwork's remote driver protocol (libnetwork/docs/remote.md). */
@ApiTags('NetworkDriver')
@Controller()
export class EndpointController {
  constructor(private readonly endpoints: EndpointService) {}

  @Post(R.CreateEndpoint)
  @HttpCode(200)
  @ApiOperation({ operationId: 'CreateEndpoint', summary: 'Create the logical switch port ("MAC IP", port security)' })
  @ApiOkResponse({ type: CreateEndpointResponse })
  @WireErrors(409, 503)
  CreateEndpoint(@Body() req: CreateEndpointRequest): Promise<CreateEndpointResponse> {
    return this.endpoints.createEndpoint(req);
  }

  @Post(R.DeleteEndpoint)
  @HttpCode(200)
  @ApiOperation({ operationId: 'DeleteEndpoint', summary: 'Remove the logical switch port. Unknown IDs succeed.' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(503)
  async DeleteEndpoint(@Body() req: EndpointRequest): Promise<EmptyResponse> {
    await this.endpoints.deleteEndpoint(req.EndpointID);
    return {};
  }

  @Post(R.EndpointOperInfo)
  @HttpCode(200)
  @ApiOperation({ operationId: 'EndpointOperInfo', summary: 'Operational details shown by docker inspect' })
  @ApiOkResponse({ type: EndpointOperInfoResponse })
  @WireErrors(503)
  EndpointOperInfo(@Body() req: EndpointRequest): EndpointOperInfoResponse {
    return { Value: this.endpoints.operInfo(req.EndpointID) };
  }

  @Post(R.Join)
  @HttpCode(200)
  @ApiOperation({ operationId: 'Join', summary: 'Plug a veth into br-int and answer once OVN has installed its flows' })
  @ApiOkResponse({ type: JoinResponse })
  @WireErrors(503)
  Join(@Body() req: JoinRequest): Promise<JoinResponse> {
    return this.endpoints.join(req);
  }

  @Post(R.Leave)
  @HttpCode(200)
  @ApiOperation({ operationId: 'Leave', summary: 'Unplug the veth from br-int and delete it. Unknown IDs succeed.' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(503)
  async Leave(@Body() req: EndpointRequest): Promise<EmptyResponse> {
    await this.endpoints.leave(req.EndpointID);
    return {};
  }

  @Post(R.ProgramExternalConnectivity)
  @HttpCode(200)
  @ApiOperation({ operationId: 'ProgramExternalConnectivity', summary: 'Port publishing: accepted, handled by Docker' })
  @ApiOkResponse({ type: EmptyResponse })
  ProgramExternalConnectivity(@Body() _req: ExternalConnectivityRequest): EmptyResponse {
    return {};
  }

  @Post(R.RevokeExternalConnectivity)
  @HttpCode(200)
  @ApiOperation({ operationId: 'RevokeExternalConnectivity', summary: 'Port publishing: accepted, handled by Docker' })
  @ApiOkResponse({ type: EmptyResponse })
  RevokeExternalConnectivity(@Body() _req: EndpointRequest): EmptyResponse {
    return {};
  }
}
