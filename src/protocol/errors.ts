import { HttpStatus } from '@nestjs/common';

/**
 * A failure the driver explains to dockerd: answered as `{"Err": "<Verb>: <message>"}` with `status`
 * (moby pkg/plugins/client.go reads Err from any non-200 reply). `code` is stable for logs and tests.
 * Never 404: dockerd reads 404 as "verb not implemented" and, for Program/RevokeExternalConnectivity,
 * as success (libnetwork/drivers/remote/driver.go).
 */
export class DriverError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = HttpStatus.INTERNAL_SERVER_ERROR,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed or asks for something unsupported: 400. */
export class BadRequestError extends DriverError {
  constructor(message: string, code = 'BAD_REQUEST') {
    super(code, message, HttpStatus.BAD_REQUEST);
  }
}

/** A required backend (NB, the local OVS DB) cannot be reached now. */
export class UnavailableError extends DriverError {
  constructor(message: string, code = 'BACKEND_UNAVAILABLE') {
    super(code, message, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** The request conflicts with existing state (an address held by another endpoint, ...). */
export class ConflictError extends DriverError {
  constructor(code: string, message: string) {
    super(code, message, HttpStatus.CONFLICT);
  }
}
