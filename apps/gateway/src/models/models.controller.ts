import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { MODEL_ENDPOINTS, type ModelEndpoint } from '@voxgate/config';
import { ModelCatalog } from '@voxgate/conversation';
import { Errors, type ModelList, type ModelObject } from '@voxgate/openai-wire';
import { ApiKeyGuard } from '../auth/api-key.guard';

/** `GET /v1/models[/{model}]`: configured snapshots and aliases, as separate entries like OpenAI's. */
@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly models: ModelCatalog) {}

  /** `?endpoint=chat/completions` (a Voxgate extension) keeps the models that serve that route only. */
  @Get()
  list(@Query('endpoint') endpoint?: unknown): ModelList {
    if (endpoint !== undefined && !MODEL_ENDPOINTS.includes(endpoint as ModelEndpoint)) {
      throw Errors.invalidRequest(`\`endpoint\` must be one of: ${MODEL_ENDPOINTS.join(', ')}.`, 'endpoint');
    }
    return { object: 'list', data: [...this.models.list(endpoint as ModelEndpoint | undefined)] };
  }

  // Model ids may contain `/` (e.g. `openai/gpt-4o-audio-preview` on routers), hence the wildcard.
  @Get('*')
  get(@Param('*') model: string): ModelObject {
    return this.models.get(decodeURIComponent(model));
  }
}
