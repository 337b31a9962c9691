/**
 * Validates requests and replies against the committed openapi/openapi.json with a standard JSON Schema
 * validator (ajv, draft 2020-12 as OpenAPI 3.1 uses), so the contract tests check the file users read,
 * not the DTOs it was generated from.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { repoRoot } from '../harness/stack';

type Json = Record<string, unknown>;

export const SPEC_FILE = path.join(repoRoot(), 'openapi', 'openapi.json');

/** "address/prefix", host bits allowed (Go's net.IPNet.String()); written apart from src/ on purpose. */
export function isCidrText(value: string): boolean {
  const m = /^([^/%]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const prefix = Number(m[2]);
  if (isIPv4(m[1])) return prefix <= 32;
  return isIPv6(m[1]) && prefix <= 128;
}

/** A plain IPv4 or IPv6 address, without a zone (Go's net.ParseIP refuses "fe80::1%eth0"). */
export function isIpText(value: string): boolean {
  return !value.includes('%') && (isIPv4(value) || isIPv6(value));
}

export interface Checked {
  ok: boolean;
  errors: string;
}

export class SpecValidator {
  readonly spec: Json;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file = SPEC_FILE) {
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as Json;
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addFormat('cidr', { type: 'string', validate: isCidrText });
    this.ajv.addFormat('ip', { type: 'string', validate: isIpText });
  }

  /** The plugin verbs of the spec: paths with their POST operation (debug views are GETs). */
  operations(): { path: string; operationId: string; op: Json }[] {
    const paths = this.spec.paths as Record<string, { post?: Json }>;
    return Object.entries(paths)
      .filter(([, item]) => item.post)
      .map(([p, item]) => ({ path: p, operationId: String(item.post!.operationId), op: item.post! }));
  }

  /** Whether the spec documents `urlPath` as a verb (POST). */
  has(urlPath: string): boolean {
    return Boolean((this.spec.paths as Record<string, { post?: Json }>)[urlPath]?.post);
  }

  /** The request body schema of the operation at `urlPath`, $refs resolved; undefined when it takes none. */
  requestSchema(urlPath: string): Json | undefined {
    const body = this.operation(urlPath).requestBody as Json | undefined;
    const schema = (body?.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
    return schema && this.resolve(schema);
  }

  /** The schema of the reply with `status`, $refs resolved; throws when the status is not documented. */
  responseSchema(urlPath: string, status: number): Json {
    const responses = this.operation(urlPath).responses as Record<string, Json>;
    const reply = responses[String(status)];
    if (!reply) throw new Error(`${urlPath}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
    const schema = (reply.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
    if (!schema) throw new Error(`${urlPath}: reply ${status} has no application/json schema`);
    return this.resolve(schema);
  }

  /** A component schema by name, $refs resolved. */
  component(name: string): Json {
    return this.resolve({ $ref: `#/components/schemas/${name}` });
  }

  /** Inlines every `#/components/schemas/X` reference (the contract has no recursive types). */
  resolve(schema: unknown, seen: string[] = []): Json {
    const walk = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(walk);
      if (!node || typeof node !== 'object') return node;
      const obj = node as Json;
      if (typeof obj.$ref === 'string') {
        const name = /^#\/components\/schemas\/(.+)$/.exec(obj.$ref)?.[1];
        const target = name && (this.spec.components as { schemas: Json }).schemas[name];
        if (!target) throw new Error(`unresolvable $ref ${obj.$ref}`);
        if (seen.includes(name)) throw new Error(`recursive $ref ${seen.join(' > ')} > ${name}`);
        const { $ref: _ref, ...siblings } = obj;
        return { ...this.resolve(target, [...seen, name]), ...(walk(siblings) as Json) };
      }
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, walk(v)]));
    };
    return walk(schema) as Json;
  }

  check(schema: Json, value: unknown): Checked {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    const ok = validate(value) as boolean;
    return { ok, errors: ok ? '' : this.ajv.errorsText(validate.errors) };
  }

  /** Whether `body` is a valid request of the operation at `urlPath` (an operation without a body takes anything). */
  checkRequest(urlPath: string, body: unknown): Checked {
    const schema = this.requestSchema(urlPath);
    return schema ? this.check(schema, body) : { ok: true, errors: '' };
  }

  checkResponse(urlPath: string, status: number, body: unknown): Checked {
    return this.check(this.responseSchema(urlPath, status), body);
  }

  private operation(urlPath: string): Json {
    const item = (this.spec.paths as Record<string, { post?: Json }>)[urlPath];
    if (!item?.post) throw new Error(`${urlPath} is not an operation of the spec`);
    return item.post;
  }
}

/**
 * Asserts a reply is what the spec promises: the status is documented for the operation, the body is
 * JSON and matches the schema of that status (an error is `{"Err": "<Verb>: ..."}`).
 */
export function assertReply(
  spec: SpecValidator,
  urlPath: string,
  reply: { status: number; body: unknown; raw: string; contentType?: string },
  where = urlPath,
): void {
  assert.match(reply.contentType ?? '', /^application\/json/, `${where}: content type of ${reply.raw}`);
  assert.notEqual(reply.body, undefined, `${where}: body is not JSON: ${reply.raw}`);
  const checked = spec.checkResponse(urlPath, reply.status, reply.body);
  assert.ok(checked.ok, `${where}: reply ${reply.status} ${reply.raw} does not match the spec: ${checked.errors}`);
  if (reply.status !== 200) {
    const verb = urlPath.slice(urlPath.indexOf('.') + 1);
    assert.ok((reply.body as { Err: string }).Err.startsWith(`${verb}: `), `${where}: Err must start with "${verb}: ": ${reply.raw}`);
  }
}
