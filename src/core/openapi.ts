import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from '../protocol/plugin.dto';
import { verbOf } from '../protocol/routes';
import { COMMON_ERRORS, WIRE_ERRORS } from '../protocol/wire-errors';

type Json = Record<string, unknown>;

/** Why the spec states `security: []`. */
const NO_AUTH =
  "No authentication (security: []): only root can connect to the plugin socket (a root-owned unix socket in dockerd's plugin directory), and the " +
  'HTTP listener binds 127.0.0.1 unless OVN_DRIVER_ADDR says otherwise; whoever reaches either may call any operation.';

/** The operator's picture of the networks, linked from the swagger UI (which renders the description as Markdown). */
const TOPOLOGY_LINK =
  'The networks drawn: [topology view](/topology) (an HTML page on the HTTP listener, redrawn every 2 s from GET /debug/topology).';

/** What a debug view (GET, HTTP listener only) answers on the plugin socket. */
const DEBUG_VIEW_NOT_HERE = 'Asked on the plugin socket: the debug views are served on the HTTP listener only';

/** Sorts object keys recursively, so the committed spec only changes when the contract does. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Json)[k])]),
    ) as T;
  }
  return value;
}

/**
 * Rewrites a schema from what @nestjs/swagger emits (OpenAPI 3.0 words) into OpenAPI 3.1 / JSON Schema
 * 2020-12, so any standard validator reads it as the DTOs enforce it: `nullable` becomes a `"null"` type
 * (Go sends null for nil slices, maps and pointers), `example` becomes `examples`.
 */
export function toJsonSchema(schema: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v as Json)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = toJsonSchema(value as Json);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((v) => toJsonSchema(v as Json));
    } else if (key === 'example') {
      out.examples = [value];
    } else if (key !== 'nullable') {
      out[key] = value;
    }
  }
  if (schema.nullable !== true) return out;
  const allOf = out.allOf as Json[] | undefined;
  if (allOf?.length === 1 && allOf[0].$ref) {
    // A nullable nested object: nest emits {type: object, allOf: [$ref]}, which refuses null.
    const { allOf: _allOf, type: _type, ...rest } = out;
    return { ...rest, anyOf: [allOf[0], { type: 'null' }] };
  }
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  if (Array.isArray(out.anyOf)) return { ...out, anyOf: [...(out.anyOf as Json[]), { type: 'null' }] };
  throw new Error(`cannot express nullable for schema ${JSON.stringify(schema)}`);
}

/**
 * The OpenAPI document of the wire contract, built from the controllers and DTOs: operationId = verb,
 * every failure documented as `{"Err"}` with its status, keys sorted. Fails on a duplicate operationId.
 */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('docker-ovn-driver')
    .setDescription(
      'Docker remote network driver protocol (moby libnetwork/docs/remote.md) served by docker-ovn-driver. ' +
        'Every request is a POST with a JSON object body (any or no Content-Type; an empty body is {}); unknown fields are ignored. ' +
        'Success is HTTP 200; every failure is non-200 with {"Err": "<Verb>: <message>"}; unknown paths and verbs this driver ' +
        'does not implement answer 404. String formats: "cidr" is an address with its prefix length, host bits allowed ' +
        '(10.40.0.1/24, fd00::1/64; Go net.IPNet.String()); "ip" is a plain IPv4 or IPv6 address without prefix or zone.',
    )
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(
      'http://127.0.0.1:9105',
      'The HTTP listener (OVN_DRIVER_ADDR:OVN_DRIVER_PORT, these are the defaults). dockerd sends the verbs to the plugin ' +
        'unix socket instead, /run/docker/plugins/ovn.sock (OVN_DRIVER_SOCKET; curl --unix-socket PATH http://localhost/VERB): ' +
        'same paths, same answers, but the debug views, the spec and /docs are not served there (404).',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (_controller, method) => method,
  });
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    // Verbs are POSTs (moby pkg/plugins/client.go); read-only debug views on the HTTP listener may be GETs.
    const methods = Object.keys(item).filter((k) => k !== 'parameters');
    if (methods.some((m) => m !== 'post' && m !== 'get') || (item.post && item.get))
      throw new Error(`${path}: a verb is POST only, a debug view GET only`);
    const operation = item.post ?? item.get;
    if (!operation) continue;
    const id = operation.operationId ?? '';
    if (item.post && !id.endsWith(verbOf(path))) throw new Error(`${path}: operationId ${id} must be the verb ${verbOf(path)}`);
    if (seen.has(id)) throw new Error(`duplicate operationId ${id}`);
    seen.add(id);
    if (operation.parameters?.length === 0) delete operation.parameters;
    const ok = operation.responses['200'];
    if (ok && 'description' in ok && !ok.description) ok.description = 'Done';
    const failure = (description: string) => ({
      description,
      content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } },
    });
    for (const status of item.post ? COMMON_ERRORS : ([500] as const)) operation.responses[status] = failure(WIRE_ERRORS[status]);
    if (item.get) operation.responses['404'] = failure(DEBUG_VIEW_NOT_HERE);
  }
  // No authentication, by design: the plugin socket is root-only (dockerd's plugin directory) and the HTTP
  // listener binds loopback by default; README "Troubleshooting" says what binding it elsewhere exposes.
  doc.security = [];
  doc.info.description += ' ' + NO_AUTH + ' ' + TOPOLOGY_LINK;
  const schemas = doc.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) schemas[name] = toJsonSchema(schemas[name] as Json);
  return sortKeys(doc);
}
