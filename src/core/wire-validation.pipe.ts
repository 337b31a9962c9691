import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError } from '../protocol/errors';
import { rawMapKeys } from '../protocol/wire.decorators';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Puts back the maps of `dto` (and of the DTOs inside it) as `sent` them. class-transformer rebuilds plain
 * objects key by key and skips "constructor" and keys named like Object.prototype's methods, and Nest's
 * ValidationPipe deletes "constructor" and "prototype" keys: `-o constructor=v` would vanish instead of
 * being refused as an unknown option. Prototype-reaching keys never get this far: the body parser
 * (src/core/wire-body-parser.ts) refuses them.
 */
function restoreRawMaps(dto: unknown, sent: unknown): void {
  if (Array.isArray(dto)) {
    if (Array.isArray(sent)) dto.forEach((item, i) => restoreRawMaps(item, sent[i]));
    return;
  }
  if (!dto || typeof dto !== 'object' || !sent || typeof sent !== 'object') return;
  const maps = rawMapKeys(dto);
  const from = sent as Record<string, unknown>;
  const to = dto as Record<string, unknown>;
  for (const key of Object.keys(to)) {
    if (!maps.includes(key)) restoreRawMaps(to[key], from[key]);
    else if (Object.hasOwn(from, key)) to[key] = from[key];
  }
}

/**
 * Validates request DTOs. Unknown fields are dropped, not refused: newer engines add fields.
 * A body that is not a JSON object is refused before class-transformer sees it.
 */
@Injectable()
export class WireValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: false,
      // One message per field: the first rule it breaks.
      stopAtFirstError: true,
      exceptionFactory: (errors) => new BadRequestError(flatten(errors).join('; ') || 'invalid request'),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestError('request body must be a JSON object');
    }
    // A copy: ValidationPipe deletes "constructor" and "prototype" keys from what it is given, at any depth.
    const sent: unknown = structuredClone(value ?? {});
    const dto: unknown = await super.transform(value ?? {}, metadata);
    restoreRawMaps(dto, sent);
    return dto;
  }
}
