import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  buildMessage,
} from 'class-validator';
import { DOCKER_ID, MAC, NETWORK_ID, isCidr, isIpAddress } from './wire-formats';

/**
 * One decorator per wire field: validation (class-validator), shaping (class-transformer) and the OpenAPI
 * property (@nestjs/swagger) together, so the spec cannot drift from what is enforced.
 * `optional` fields accept absent and Go's `null`; `allowEmpty` string fields also accept "" (Go's zero value).
 */
export interface WireOptions {
  description?: string;
  optional?: boolean;
  allowEmpty?: boolean;
  example?: unknown;
}

function api(opts: WireOptions, schema: Record<string, unknown>): PropertyDecorator {
  let shaped: Record<string, unknown> = { description: opts.description, example: opts.example, ...schema };
  if (opts.allowEmpty) {
    // "" is Go's zero value ("driver, choose"): the format or pattern applies to every other value.
    const { type: _type, format, pattern, ...rest } = shaped;
    shaped = { ...rest, anyOf: [{ type: 'string', ...(format ? { format } : {}), ...(pattern ? { pattern } : {}) }, { const: '' }] };
  }
  // `nullable` is OpenAPI 3.0's word; src/core/openapi.ts rewrites it to 3.1's `type: [T, "null"]`.
  return opts.optional ? ApiPropertyOptional({ ...shaped, nullable: true }) : ApiProperty(shaped);
}

/**
 * @nestjs/swagger resolves a property type lazily only when it is a function named `type`
 * (schema-object-factory isLazyTypeFunc); any other thunk is taken for the class itself.
 */
function lazy(thunk: () => new () => object): () => new () => object {
  const type = () => thunk();
  return type;
}

function presence(opts: WireOptions): PropertyDecorator[] {
  const out: PropertyDecorator[] = [];
  if (opts.optional) out.push(IsOptional());
  if (opts.allowEmpty) out.push(ValidateIf((_o, v) => v !== ''));
  return out;
}

const isCidrRule = ValidateBy({
  name: 'isCidr',
  validator: {
    validate: isCidr,
    defaultMessage: buildMessage((each) => `${each}$property must be an address with prefix length, like 10.0.0.1/24`),
  },
});
const isIpRule = ValidateBy({
  name: 'isIpAddress',
  validator: {
    validate: isIpAddress,
    defaultMessage: buildMessage((each) => `${each}$property must be a plain IP address, like 10.0.0.1`),
  },
});

/** A string field matching an ID `pattern`; the spec shows the pattern, a refusal says what it must be. */
function wireIdMatching(pattern: RegExp, what: string, opts: WireOptions): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: String, pattern: pattern.source, example: opts.example ?? 'a'.repeat(64) }),
    ...presence(opts),
    IsString(),
    Matches(pattern, { message: `$property must be ${what}` }),
  );
}

/** A 64-hex Docker ID; safe to use in OVN, OVS and interface names. */
export function WireId(opts: WireOptions = {}): PropertyDecorator {
  return wireIdMatching(DOCKER_ID, 'a 64-character lowercase hex Docker ID', opts);
}

/** A NetworkID: a 64-hex Docker ID or a 25-character swarm ID; safe to use in OVN names. */
export function WireNetworkId(opts: WireOptions = {}): PropertyDecorator {
  return wireIdMatching(NETWORK_ID, 'a 64-character lowercase hex Docker ID or a 25-character swarm ID', opts);
}

/** "address/prefix" (host bits allowed). */
export function WireCidr(opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: String, format: 'cidr', example: opts.example ?? '10.10.10.1/24' }),
    ...presence(opts),
    IsString(),
    isCidrRule,
  );
}

/** A plain IP address. */
export function WireIp(opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: String, format: 'ip', example: opts.example ?? '10.10.10.1' }),
    ...presence(opts),
    IsString(),
    isIpRule,
  );
}

/** A colon-separated MAC address. */
export function WireMac(opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: String, pattern: MAC.source, example: opts.example ?? '02:42:0a:0a:0a:02' }),
    ...presence(opts),
    IsString(),
    Matches(MAC, { message: '$property must be a MAC address like 02:42:0a:0a:0a:02' }),
  );
}

/** A free string. */
export function WireString(opts: WireOptions & { pattern?: RegExp; patternMessage?: string } = {}): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: String, ...(opts.pattern ? { pattern: opts.pattern.source } : {}) }),
    ...presence(opts),
    IsString(),
    ...(opts.pattern
      ? [
          Matches(opts.pattern, {
            message: `$property must be ${opts.patternMessage ?? `like ${String(opts.example ?? opts.pattern.source)}`}`,
          }),
        ]
      : []),
  );
}

/** A boolean. */
export function WireBool(opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(api(opts, { type: Boolean }), ...presence(opts), IsBoolean());
}

/** An integer (Go int). */
export function WireInt(opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(api(opts, { type: 'integer', format: 'int64' }), ...presence(opts), IsInt());
}

/** A JSON object with free keys (Go map[string]interface{}); `null` allowed when optional. */
const RAW_MAPS = Symbol('wire:raw-maps');

/** The properties of `dto` that WireMap declares: maps the validation pipe hands on as sent. */
export function rawMapKeys(dto: object): string[] {
  return (Reflect.getMetadata(RAW_MAPS, dto) as string[] | undefined) ?? [];
}

/** A free-form object (options, labels, reserved addresses); src/core/wire-validation.pipe.ts keeps it as sent. */
export function WireMap(opts: WireOptions = {}): PropertyDecorator {
  const record: PropertyDecorator = (target, key) => Reflect.defineMetadata(RAW_MAPS, [...rawMapKeys(target), String(key)], target);
  return applyDecorators(api(opts, { type: 'object', additionalProperties: true }), ...presence(opts), IsObject(), record);
}

/** A nested object of class `type`. */
export function WireObject(type: () => new () => object, opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(api(opts, { type: lazy(type) }), ...presence(opts), IsObject(), ValidateNested(), Type(type));
}

/** A list of `type` objects; Go sends `null` for an empty slice. */
export function WireList(type: () => new () => object, opts: WireOptions = {}): PropertyDecorator {
  return applyDecorators(
    api(opts, { type: lazy(type), isArray: true }),
    ...presence(opts),
    IsArray(),
    // ValidateNested alone lets a nested array through as an element ([[{...}]]).
    IsObject({ each: true, message: 'each value in $property must be an object' }),
    ValidateNested({ each: true }),
    Type(type),
  );
}
