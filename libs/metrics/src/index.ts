export * from './counter';
export * from './exposition';
export * from './gauge';
export * from './histogram';
export * from './metric-family';
export * from './metrics-registry';
