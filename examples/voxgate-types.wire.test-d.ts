/**
 * Keeps examples/voxgate-types.mts in step with the gateway (checked by `npm run typecheck`, through
 * ../tsconfig.type-tests.json, which resolves the monorepo's libs): when the gateway learns a format or a
 * field, this fails until the users' types learn it too.
 *
 * Compared as in libs/openai-wire/src/chat-completions.request.test-d.ts: `service_tier: 'fast'` is in the
 * OpenAPI spec the gateway follows but not yet in openai-node 6.x.
 */
import type { ToolRunView } from '@voxgate/conversation';
import type { ChatCompletionRequest, InputAudioFormat, OutputAudioFormat } from '@voxgate/openai-wire';
import type {
  VoxgateChatCompletionCreateParamsBase,
  VoxgateInputAudioFormat,
  VoxgateOutputAudioFormat,
  VoxgateToolRun,
} from './voxgate-types.mjs' with { 'resolution-mode': 'import' };

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type AssertAssignable<T extends U, U> = T;

type GatewayRequest = Omit<ChatCompletionRequest, 'service_tier'> & {
  service_tier?: Exclude<ChatCompletionRequest['service_tier'], 'fast'>;
};

export type TypesMatchTheGateway = [
  // The same audio formats in and out.
  Assert<Equal<VoxgateInputAudioFormat, InputAudioFormat>>,
  Assert<Equal<VoxgateOutputAudioFormat, OutputAudioFormat>>,
  // Every request the gateway accepts can be written with the Voxgate request type.
  AssertAssignable<GatewayRequest, VoxgateChatCompletionCreateParamsBase>,
  // What the gateway writes in `voxgate.tool_runs` is what the type describes.
  Assert<Equal<keyof VoxgateToolRun, keyof ToolRunView>>,
  AssertAssignable<Omit<ToolRunView, 'confirmation'>, Omit<VoxgateToolRun, 'confirmation'>>,
  Assert<Equal<keyof NonNullable<VoxgateToolRun['confirmation']>, keyof NonNullable<ToolRunView['confirmation']>>>,
];
