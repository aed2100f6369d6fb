import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ModelCatalog } from '@voxgate/conversation';
import type { ModelList, ModelObject } from '@voxgate/openai-wire';
import { ApiKeyGuard } from '../auth/api-key.guard';

/** `GET /v1/models[/{model}]`: configured snapshots and aliases, as separate entries like OpenAI's. */
@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly models: ModelCatalog) {}

  @Get()
  list(): ModelList {
    return { object: 'list', data: [...this.models.list()] };
  }

  // Model ids may contain `/` (e.g. `openai/gpt-4o-audio-preview` on routers), hence the wildcard.
  @Get('*')
  get(@Param('*') model: string): ModelObject {
    return this.models.get(decodeURIComponent(model));
  }
}
