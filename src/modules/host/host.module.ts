import { Module } from '@nestjs/common';
import { LinkOps } from './link-ops';
import { NetlinkLinkOps } from './netlink-link-ops';

@Module({
  providers: [{ provide: LinkOps, useFactory: () => new NetlinkLinkOps() }],
  exports: [LinkOps],
})
export class HostModule {}
