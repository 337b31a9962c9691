import { ApiProperty } from '@nestjs/swagger';

/** Reply to /Plugin.Activate (moby pkg/plugins/plugins.go Manifest). */
export class ActivateResponse {
  @ApiProperty({ type: [String], example: ['NetworkDriver'] })
  Implements!: string[];
}

/** The body of every non-200 reply (moby pkg/plugins/client.go). */
export class ErrorResponse {
  @ApiProperty({ example: 'CreateNetwork: ...' })
  Err!: string;
}

/** `{}`: the reply of verbs that return nothing. */
export class EmptyResponse {}
