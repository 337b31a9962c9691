import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NEEDS_OVSDB } from '../../protocol/verb.decorator';
import { OvsdbSessions } from './ovsdb-sessions';

/**
 * Holds a verb that needs OVSDB until the sessions have connected once, within the start-up wait
 * ({@link OvsdbSessions.whenStarted}). It never refuses: a verb that still finds a session down answers 503
 * itself, with the cause.
 */
@Injectable()
export class StartupGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: OvsdbSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.get<boolean>(NEEDS_OVSDB, context.getHandler())) await this.sessions.whenStarted();
    return true;
  }
}
