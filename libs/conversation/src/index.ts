export * from './audio-rules';
export * from './create-chat-completion.usecase';
export * from './model-catalog';
export * from './stream-relay';
export * from './audio-duration';
export * from './request-estimate';
export * from './fit-history';
export * from './message-assembler';
