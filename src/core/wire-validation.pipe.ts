import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError } from '../protocol/errors';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m));
    return [...own, ...flatten(e.children ?? [], path)];
  });
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
    return super.transform(value ?? {}, metadata);
  }
}
