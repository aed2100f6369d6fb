export * from './openai-compatible/openai-compatible.adapter';
export * from './openai-compatible/openai-compatible.api';
export * from './provider-adapter';
export * from './provider-registry';
export * from './retry-policy';
export * from './upstream-stream-error';
export * from './upstream-deadline';
export * from './upstream-fetch';
