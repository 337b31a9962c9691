import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
import { IpamService } from './ipam.service';
import { Verb } from '../../protocol/verb.decorator';

/**
 * IPAM verbs (libnetwork/docs/ipam.md). dockerd reads `Error` from 200 replies of these verbs, not `Err`:
 * every failure therefore leaves with a non-200 status, where it reads `Err` (the global filter).
 */
@ApiTags('IpamDriver')
@Controller()
export class IpamController {
  constructor(private readonly ipam: IpamService) {}

  @Verb(R.GetCapabilities, { summary: 'IPAM capabilities', ok: IpamCapabilitiesResponse, operationId: 'IpamGetCapabilities' })
  GetCapabilities(): IpamCapabilitiesResponse {
    return this.ipam.capabilities();
  }

  @Verb(R.GetDefaultAddressSpaces, { summary: 'Default local and global address spaces', ok: AddressSpacesResponse })
  GetDefaultAddressSpaces(): AddressSpacesResponse {
    return this.ipam.addressSpaces();
  }

  @Verb(R.RequestPool, {
    summary: 'Create or share the (vrf or address space, subnet) pool in NB',
    ok: RequestPoolResponse,
    errors: [409, 503],
  })
  RequestPool(@Body() req: RequestPoolRequest): Promise<RequestPoolResponse> {
    return this.ipam.requestPool(req);
  }

  @Verb(R.ReleasePool, {
    summary: 'Drop a user of the pool; the last one removes it. Unknown pools succeed.',
    ok: EmptyResponse,
    errors: [409, 503],
  })
  async ReleasePool(@Body() req: ReleasePoolRequest): Promise<EmptyResponse> {
    await this.ipam.releasePool(req.PoolID);
    return {};
  }

  @Verb(R.RequestAddress, {
    summary: 'Allocate any, a given, or the gateway address, atomically across hosts',
    ok: RequestAddressResponse,
    errors: [409, 503],
  })
  RequestAddress(@Body() req: RequestAddressRequest): Promise<RequestAddressResponse> {
    return this.ipam.requestAddress(req);
  }

  @Verb(R.ReleaseAddress, { summary: 'Give an address back. Unknown addresses succeed.', ok: EmptyResponse, errors: [409, 503] })
  async ReleaseAddress(@Body() req: ReleaseAddressRequest): Promise<EmptyResponse> {
    await this.ipam.releaseAddress(req.PoolID, req.Address);
    return {};
  }
}
