import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Every key the driver reads from its environment, in declaration order (plugin/config.json lists the same). */
export const ENV_KEYS: string[] = [];
/** Keys whose empty value means "off" rather than "unset, use the default" (e.g. OVN_DRIVER_LOG_FILE=). */
export const ENV_EMPTY_MEANS_OFF = new Set<string>();

function envKey(): PropertyDecorator {
  return (_target, key) => {
    ENV_KEYS.push(String(key));
  };
}

/** `0`/`1` (also `true`/`false`), as `docker plugin set DEBUG=1` passes it. */
export function EnvFlag(): PropertyDecorator {
  return applyDecorators(
    envKey(),
    Transform(({ value }) =>
      typeof value === 'string'
        ? (({ '1': true, true: true, '0': false, false: false } as Record<string, boolean>)[value.toLowerCase()] ?? value)
        : value,
    ),
    IsBoolean({ message: '$property must be 0 or 1' }),
  );
}

/** A whole number within [min, max]. */
export function EnvInt(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    envKey(),
    Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)),
    IsInt({ message: `$property must be a whole number between ${min} and ${max}` }),
    Min(min, { message: `$property must be a whole number between ${min} and ${max}` }),
    Max(max, { message: `$property must be a whole number between ${min} and ${max}` }),
  );
}

/** One of a fixed set of words. */
export function EnvChoice(choices: readonly string[]): PropertyDecorator {
  return applyDecorators(envKey(), IsIn(choices, { message: `$property must be one of ${choices.join(', ')}` }));
}

/**
 * A string matching `pattern`, described by `what` in the error. With `emptyMeansOff`, an empty value is
 * kept as '' (the feature is off) instead of falling back to the default.
 */
export function EnvString(pattern: RegExp, what: string, opts: { optional?: boolean; emptyMeansOff?: boolean } = {}): PropertyDecorator {
  const emptyMeansOff: PropertyDecorator = (_target, key) => {
    if (opts.emptyMeansOff) ENV_EMPTY_MEANS_OFF.add(String(key));
  };
  return applyDecorators(
    envKey(),
    emptyMeansOff,
    ...(opts.optional ? [IsOptional()] : []),
    IsString(),
    Matches(opts.emptyMeansOff ? new RegExp(`^$|${pattern.source}`) : pattern, { message: `$property must be ${what}` }),
  );
}
