import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { LOG_LEVELS, LogLevelChange, LogLevelName, LogLevelService } from './log-level.service';

/** Body of PUT /log-level. */
export class LogLevelRequest {
  /** One of fatal, error, warn, info, debug, trace. */
  @IsIn(LOG_LEVELS, { message: `level must be one of ${LOG_LEVELS.join(', ')}` })
  level!: LogLevelName;
}

/**
 * The runtime log level, on the HTTP listener only (src/core/listeners.ts keeps it off the plugin
 * socket): `curl -X PUT 127.0.0.1:9105/log-level -d '{"level":"debug"}'`. POST does the same.
 */
@ApiExcludeController()
@Controller('log-level')
export class LogLevelController {
  constructor(private readonly levels: LogLevelService) {}

  @Get()
  get(): { level: string } {
    return { level: this.levels.level };
  }

  @Put()
  @HttpCode(200)
  put(@Body() body: LogLevelRequest): LogLevelChange {
    return this.levels.set(body.level);
  }

  @Post()
  @HttpCode(200)
  post(@Body() body: LogLevelRequest): LogLevelChange {
    return this.levels.set(body.level);
  }
}
