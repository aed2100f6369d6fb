import { z } from 'zod';
import type { JsonObject, JsonValue, ToolContext, ToolEffect, ToolOutcome } from '../tool-module';
import { failure } from '../tool-module';

/**
 * One operation of a built-in module (`booking.book`, `payment.charge`, ...): its defaults for the
 * registry and its implementation. A registered `builtin` tool wraps exactly one operation.
 */
export interface BuiltinOperation {
  /** Default description told to the model. */
  readonly description: string;
  /** Default JSON Schema of the arguments, generated from `input`. */
  readonly parameters: JsonObject;
  /** The operation's own effect class; a registration may make it stricter, never weaker. */
  readonly effect: ToolEffect;
  /** The operation may answer `confirmation_required` (payment charges). */
  readonly needsApproval: boolean;
  /**
   * Runs the operation. The input is parsed again with the operation's own zod schema, so a registration
   * that overrides `parameters` with a looser schema cannot hand the module a shape it does not expect.
   */
  execute(input: JsonObject, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Builds an operation from a zod input schema and a handler of the parsed input. */
export function defineOperation<S extends z.ZodType>(spec: {
  readonly description: string;
  readonly input: S;
  readonly effect: ToolEffect;
  readonly needsApproval?: boolean;
  readonly run: (input: z.infer<S>, ctx: ToolContext) => Promise<ToolOutcome>;
}): BuiltinOperation {
  const parameters = z.toJSONSchema(spec.input, { target: 'draft-2020-12', io: 'input' }) as JsonObject;
  return {
    description: spec.description,
    parameters,
    effect: spec.effect,
    needsApproval: spec.needsApproval ?? false,
    execute: async (input, ctx) => {
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        const details: JsonValue = parsed.error.issues.map((issue) => ({
          path: `/${issue.path.map(String).join('/')}`,
          message: issue.message,
        }));
        return failure(
          'invalid_arguments',
          'The arguments are not valid for this operation; nothing was executed.',
          details,
        );
      }
      return spec.run(parsed.data, ctx);
    },
  };
}

/** Ids of things ops create (documents, resources, customers): safe in Redis keys and URLs. */
export const EntityIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must match ^[A-Za-z0-9_.:-]{1,128}$');

/** An idempotency key the model or client may pass; the call's own key is used otherwise. */
export const IdempotencyKeySchema = z.string().min(1).max(200);
