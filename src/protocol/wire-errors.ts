import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './plugin.dto';

/**
 * Failure replies, all `{"Err": "<Verb>: <message>"}` (moby pkg/plugins/client.go reads Err from any
 * non-200 reply). Never 404 for a known verb: dockerd reads 404 as "not implemented".
 */
export const WIRE_ERRORS = {
  400: 'Malformed request: not JSON, not a JSON object, a field fails validation, or a value the driver cannot honour',
  409: 'Conflicts with existing state: an address held by another endpoint, a switch shared with different settings, or NB kept changing',
  413: 'The request body is larger than the limit',
  500: 'The driver could not do it',
  503: 'OVN Northbound or the local Open_vSwitch DB is not reachable right now; retry later',
} as const;

export type WireErrorStatus = keyof typeof WIRE_ERRORS;

/** Statuses every verb can answer: documented on every operation by src/core/openapi.ts. */
export const COMMON_ERRORS: readonly WireErrorStatus[] = [400, 413, 500];

/** Documents the failure statuses a verb answers besides {@link COMMON_ERRORS}. */
export function WireErrors(...statuses: Exclude<WireErrorStatus, 400 | 413 | 500>[]): MethodDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: WIRE_ERRORS[status], type: ErrorResponse })));
}
