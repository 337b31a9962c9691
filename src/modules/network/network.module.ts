import { Module } from '@nestjs/common';
import { OvnModule } from '../ovn/ovn.module';
import { NetworkController } from './network.controller';
import { NetworkService } from './network.service';

@Module({
  imports: [OvnModule],
  controllers: [NetworkController],
  providers: [NetworkService],
})
export class NetworkModule {}
