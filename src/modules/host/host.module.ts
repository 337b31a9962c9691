import { Module } from '@nestjs/common';
import { IpRouteLinkOps } from './ip-route-link-ops';
import { LinkOps } from './link-ops';

@Module({
  providers: [{ provide: LinkOps, useFactory: () => new IpRouteLinkOps() }],
  exports: [LinkOps],
})
export class HostModule {}
