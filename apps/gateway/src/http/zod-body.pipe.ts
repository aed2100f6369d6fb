import type { PipeTransform } from '@nestjs/common';
import { parseInbound } from '@voxgate/openai-wire';
import type { z } from 'zod';

/** `@Body(new ZodBody(schema))`: validates with zod and throws OpenAI's 400 with `param` set. */
export class ZodBody<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    return parseInbound(this.schema, value);
  }
}
