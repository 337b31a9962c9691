import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ActivateResponse } from '../protocol/plugin.dto';
import { PLUGIN_ACTIVATE } from '../protocol/routes';
import { Verb } from '../protocol/verb.decorator';

/** The plugin handshake (moby pkg/plugins/plugins.go). */
@ApiTags('Plugin')
@Controller()
export class PluginController {
  @Verb(PLUGIN_ACTIVATE, { summary: 'Handshake: the subsystems this plugin implements', ok: ActivateResponse })
  Activate(): ActivateResponse {
    return { Implements: ['NetworkDriver', 'IpamDriver'] };
  }
}
