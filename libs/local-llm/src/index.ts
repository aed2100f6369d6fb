export { GgufTextModel, type GgufTextModelOptions } from './gguf-text-model';
export { toChatHistory, toGenerateJob, toToolMode } from './request.mapper';
export { toGrammarSchema } from './tool-grammar';
