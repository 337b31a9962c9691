import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DriverConfig } from './driver-config';
import { ENV_EMPTY_MEANS_OFF, ENV_KEYS } from './env.decorators';

/** A configuration that cannot be used; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/**
 * Reads the driver's keys from `env` (empty values count as unset, except for keys where empty means off),
 * validates them all at once and returns a frozen config. Unrelated variables are ignored.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<DriverConfig> {
  const plain: Record<string, string> = {};
  for (const key of ENV_KEYS) {
    const value = env[key];
    if (value !== undefined && (value !== '' || ENV_EMPTY_MEANS_OFF.has(key))) plain[key] = value;
  }
  const config = plainToInstance(DriverConfig, plain, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`));
  }
  return Object.freeze(config);
}

export { ENV_KEYS };
