import type { PipeTransform } from '@nestjs/common';
import { Errors } from '@voxgate/openai-wire';
import type { z } from 'zod';

/**
 * `@Param('id', new ZodParam(schema, 'resource_id'))`: validates one path segment with zod and throws
 * OpenAI's 400 with `param` naming it.
 */
export class ZodParam<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly name: string,
  ) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw Errors.invalidRequest(
      `Invalid '${this.name}' in the URL: ${result.error.issues[0]?.message ?? 'malformed'}.`,
      this.name,
    );
  }
}
