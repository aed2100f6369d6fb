export * from './config.schema';
export * from './load-config';
export * from './secret-redactor';
export * from './offline-models';
