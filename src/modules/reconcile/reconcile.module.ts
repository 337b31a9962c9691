import { Module } from '@nestjs/common';
import { EndpointModule } from '../endpoint/endpoint.module';
import { HostModule } from '../host/host.module';
import { OvnModule } from '../ovn/ovn.module';
import { DockerEndpoints } from './docker-endpoints';
import { ReconcilerService } from './reconciler.service';

@Module({
  imports: [OvnModule, HostModule, EndpointModule],
  providers: [ReconcilerService, DockerEndpoints],
  exports: [ReconcilerService, DockerEndpoints],
})
export class ReconcileModule {}
