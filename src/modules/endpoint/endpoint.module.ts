import { Module } from '@nestjs/common';
import { HostModule } from '../host/host.module';
import { OvnModule } from '../ovn/ovn.module';
import { VerbActivity } from './verb-activity';
import { EndpointController } from './endpoint.controller';
import { EndpointService } from './endpoint.service';
import { SandboxRoutesService } from './sandbox-routes.service';

@Module({
  imports: [OvnModule, HostModule],
  controllers: [EndpointController],
  providers: [EndpointService, VerbActivity, SandboxRoutesService],
  exports: [VerbActivity],
})
export class EndpointModule {}
