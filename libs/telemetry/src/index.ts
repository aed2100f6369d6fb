export * from './chat-completion.span';
export * from './safe-attributes';
export * from './start-telemetry';
export * from './telemetry.names';
export * from './tool-call.span';
export * from './tool-metrics';
export * from './tracer';
export * from './upstream-call.tracer';
