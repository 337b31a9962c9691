import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import pino from 'pino';
import { LogLevelRequest } from './log-level.controller';
import { LogLevelService } from './log-level.service';

function logger(level: string) {
  const lines: { level: number; msg: string }[] = [];
  const root = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { root, lines };
}

describe(LogLevelService.name, () => {
  it('changes the level at once and logs the change', () => {
    const { root, lines } = logger('info');
    const levels = new LogLevelService(() => root);
    levels.onModuleInit();
    root.debug('hidden');
    assert.deepEqual(levels.set('debug'), { level: 'debug', previous: 'info' });
    assert.equal(levels.level, 'debug');
    root.debug('shown');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['log level changed from info to debug (until restart)', 'shown'],
    );
  });

  it('logs a change to a quieter level before it applies, so the line is not lost', () => {
    const { root, lines } = logger('debug');
    const levels = new LogLevelService(() => root);
    assert.deepEqual(levels.set('error'), { level: 'error', previous: 'debug' });
    root.info('hidden');
    root.error('shown');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['log level changed from debug to error (until restart)', 'shown'],
    );
  });

  it('reads the root logger lazily when used before module init', () => {
    const { root } = logger('warn');
    assert.equal(new LogLevelService(() => root).level, 'warn');
    assert.throws(() => new LogLevelService(() => undefined).level, /not set up/);
  });
});

describe(LogLevelRequest.name, () => {
  const problems = (body: unknown) =>
    validateSync(plainToInstance(LogLevelRequest, body)).flatMap((e) => Object.values(e.constraints ?? {}));

  it('accepts only pino level names', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) assert.deepEqual(problems({ level }), [], level);
    for (const level of ['silent', 'DEBUG', '', 10, null, 'verbose']) {
      assert.deepEqual(problems({ level }), ['level must be one of fatal, error, warn, info, debug, trace'], String(level));
    }
    assert.equal(problems({}).length, 1);
  });
});
