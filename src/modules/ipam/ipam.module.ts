import { Module } from '@nestjs/common';
import { OvnModule } from '../ovn/ovn.module';
import { IpamController } from './ipam.controller';
import { IpamService } from './ipam.service';

@Module({
  imports: [OvnModule],
  controllers: [IpamController],
  providers: [IpamService],
})
export class IpamModule {}
