import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { PluginController } from './plugin.controller';
import { VerbDeadlineInterceptor } from './verb-deadline';
import { WireExceptionFilter } from './wire-exception.filter';
import { WireValidationPipe } from './wire-validation.pipe';

/** Global wire behaviour as APP_* providers, so the app under test is the app in production. */
@Module({
  controllers: [PluginController],
  providers: [
    { provide: APP_PIPE, useClass: WireValidationPipe },
    { provide: APP_FILTER, useClass: WireExceptionFilter },
    { provide: APP_INTERCEPTOR, useClass: VerbDeadlineInterceptor },
  ],
})
export class CoreModule {}
