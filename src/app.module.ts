import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigModule } from './config/config.module';
import type { DriverConfig } from './config/driver-config';
import { CoreModule } from './core/core.module';
import { EndpointModule } from './modules/endpoint/endpoint.module';
import { IpamModule } from './modules/ipam/ipam.module';
import { ReconcileModule } from './modules/reconcile/reconcile.module';
import { NetworkModule } from './modules/network/network.module';
import { verbOf } from './protocol/routes';

@Module({})
export class AppModule {
  static forRoot(config: Readonly<DriverConfig>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.DEBUG ? 'debug' : 'info',
            // One line per verb with its outcome and duration; bodies only at debug level.
            customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
              `${verbOf(req.url ?? '')} ${res.statusCode} in ${ms.toFixed(1)} ms`,
            customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${verbOf(req.url ?? '')} ${res.statusCode}`,
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        CoreModule,
        NetworkModule,
        EndpointModule,
        IpamModule,
        ReconcileModule,
      ],
    };
  }
}
