import { DynamicModule, Global, Module } from '@nestjs/common';
import { DriverConfig } from './driver-config';

/** Provides the one validated, frozen {@link DriverConfig} to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Readonly<DriverConfig>): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: DriverConfig, useValue: config }], exports: [DriverConfig] };
  }
}
