export * from './config.schema';
export * from './load-config';
export * from './secret-redactor';
export * from './offline-models';
export * from './gguf-text-model.schema';
