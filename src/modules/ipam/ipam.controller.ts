import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddressSpacesResponse,
  IpamCapabilitiesResponse,
  ReleaseAddressRequest,
  ReleasePoolRequest,
  RequestAddressRequest,
  RequestAddressResponse,
  RequestPoolRequest,
  RequestPoolResponse,
} from '../../protocol/ipam.dto';
import { EmptyResponse } from '../../protocol/plugin.dto';
import { IpamDriverRoute as R } from '../../protocol/routes';
import { WireErrors } from '../../protocol/wire-errors';
import { IpamService } from './ipam.service';

/**
 * IPAM verbs (libnetwork/docs/ipam.md). dockerd reads `Error` from 200 replies of these verbs, not `Err`:
 * every failure therefore leaves with a non-200 status, where it reads `Err` (the global filter).
 */
@ApiTags('IpamDriver')
@Controller()
export class IpamController {
  constructor(private readonly ipam: IpamService) {}

  @Post(R.GetCapabilities)
  @HttpCode(200)
  @ApiOperation({ operationId: 'IpamGetCapabilities', summary: 'IPAM capabilities' })
  @ApiOkResponse({ type: IpamCapabilitiesResponse })
  GetCapabilities(): IpamCapabilitiesResponse {
    return this.ipam.capabilities();
  }

  @Post(R.GetDefaultAddressSpaces)
  @HttpCode(200)
  @ApiOperation({ operationId: 'GetDefaultAddressSpaces', summary: 'Default local and global address spaces' })
  @ApiOkResponse({ type: AddressSpacesResponse })
  GetDefaultAddressSpaces(): AddressSpacesResponse {
    return this.ipam.addressSpaces();
  }

  @Post(R.RequestPool)
  @HttpCode(200)
  @ApiOperation({ operationId: 'RequestPool', summary: 'Create or share the (vrf or address space, subnet) pool in NB' })
  @ApiOkResponse({ type: RequestPoolResponse })
  @WireErrors(409, 503)
  RequestPool(@Body() req: RequestPoolRequest): Promise<RequestPoolResponse> {
    return this.ipam.requestPool(req);
  }

  @Post(R.ReleasePool)
  @HttpCode(200)
  @ApiOperation({ operationId: 'ReleasePool', summary: 'Drop a user of the pool; the last one removes it. Unknown pools succeed.' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(409, 503)
  async ReleasePool(@Body() req: ReleasePoolRequest): Promise<EmptyResponse> {
    await this.ipam.releasePool(req.PoolID);
    return {};
  }

  @Post(R.RequestAddress)
  @HttpCode(200)
  @ApiOperation({ operationId: 'RequestAddress', summary: 'Allocate any, a given, or the gateway address, atomically across hosts' })
  @ApiOkResponse({ type: RequestAddressResponse })
  @WireErrors(409, 503)
  RequestAddress(@Body() req: RequestAddressRequest): Promise<RequestAddressResponse> {
    return this.ipam.requestAddress(req);
  }

  @Post(R.ReleaseAddress)
  @HttpCode(200)
  @ApiOperation({ operationId: 'ReleaseAddress', summary: 'Give an address back. Unknown addresses succeed.' })
  @ApiOkResponse({ type: EmptyResponse })
  @WireErrors(409, 503)
  async ReleaseAddress(@Body() req: ReleaseAddressRequest): Promise<EmptyResponse> {
    await this.ipam.releaseAddress(req.PoolID, req.Address);
    return {};
  }
}
