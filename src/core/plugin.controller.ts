import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActivateResponse } from '../protocol/plugin.dto';
import { PLUGIN_ACTIVATE } from '../protocol/routes';

/** The plugin handshake (moby pkg/plugins/plugins.go). */
@ApiTags('Plugin')
@Controller()
export class PluginController {
  @Post(PLUGIN_ACTIVATE)
  @HttpCode(200)
  @ApiOperation({ operationId: 'Activate', summary: 'Handshake: the subsystems this plugin implements' })
  @ApiOkResponse({ type: ActivateResponse })
  Activate(): ActivateResponse {
    return { Implements: ['NetworkDriver', 'IpamDriver'] };
  }
}
