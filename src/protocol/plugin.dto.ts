import { ApiProperty } from '@nestjs/swagger';

/** Reply to /Plugin.Activate (moby pkg/plugins/plugins.go Manifest). */
export class ActivateResponse {
  @ApiProperty({ type: [String], example: ['NetworkDriver', 'IpamDriver'] })
  Implements!: string[];
}

/** The body of every non-200 reply (moby pkg/plugins/client.go). */
export class ErrorResponse {
  @ApiProperty({ description: '"<Verb>: <message>"', example: 'CreateNetwork: gateway 10.0.1.1/24 is outside the pool 10.0.0.0/24' })
  Err!: string;
}

/** `{}`: the reply of verbs that return nothing. */
export class EmptyResponse {}
