import { Module } from '@nestjs/common';
import { LinkOps } from './link-ops';
import { NetlinkLinkOps } from './netlink-link-ops';
import { NsenterRouteOps } from './nsenter-route-ops';
import { SandboxRouteOps } from './sandbox-route-ops';

@Module({
  providers: [
    { provide: LinkOps, useFactory: () => new NetlinkLinkOps() },
    { provide: SandboxRouteOps, useClass: NsenterRouteOps },
  ],
  exports: [LinkOps, SandboxRouteOps],
})
export class HostModule {}
