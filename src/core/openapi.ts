import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from '../protocol/plugin.dto';

/** Failure replies every verb may give, all `{"Err": "<Verb>: <message>"}` (never 200, never 404 for a known verb). */
const ERROR_REPLIES: Record<string, string> = {
  '400': 'Malformed request: not JSON, not an object, or a field fails validation',
  '409': 'Conflicts with existing state (an address held by another endpoint, ...)',
  '500': 'The driver could not do it',
  '503': 'OVN Northbound or the local Open_vSwitch DB is not reachable right now',
};

/** Sorts object keys recursively, so the committed spec only changes when the contract does. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

/** The OpenAPI document of the wire contract, built from the controllers and DTOs. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('docker-ovn-driver')
    .setDescription(
      'Docker remote network driver protocol (moby libnetwork/docs/remote.md) served by docker-ovn-driver. ' +
        'Every request is a POST with a JSON body (any or no Content-Type; an empty body is {}). Success is HTTP 200; ' +
        'every failure is non-200 with {"Err": "<Verb>: <message>"}; unknown paths answer 404.',
    )
    .setVersion('1')
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (_controller, method) => method,
  });
  const seen = new Set<string>();
  for (const item of Object.values(doc.paths)) {
    const operation = item.post;
    if (!operation) continue;
    if (seen.has(operation.operationId ?? '')) throw new Error(`duplicate operationId ${operation.operationId}`);
    seen.add(operation.operationId ?? '');
    for (const [status, description] of Object.entries(ERROR_REPLIES)) {
      operation.responses[status] = { description, content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } } };
    }
  }
  return sortKeys(doc);
}
