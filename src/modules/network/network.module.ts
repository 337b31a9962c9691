import { Module } from '@nestjs/common';
import { EndpointModule } from '../endpoint/endpoint.module';
import { OvnModule } from '../ovn/ovn.module';
import { NetworkController } from './network.controller';
import { NetworkService } from './network.service';

@Module({
  imports: [OvnModule, EndpointModule],
  controllers: [NetworkController],
  providers: [NetworkService],
})
export class NetworkModule {}
