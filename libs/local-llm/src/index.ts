export { GgufTextModel, type GgufTextModelOptions } from './gguf-text-model';
export { createGgufTextModel, ggufModelPath, type GgufTextModelSettings } from './gguf-text-model.factory';
export { parseModelUri, pulledModelPath, type ModelSource } from './pull/model-source';
export { toChatHistory, toGenerateJob, toToolMode } from './request.mapper';
export { toGrammarSchema } from './tool-grammar';
