/** Injection tokens for values that are not classes. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const REDIS = Symbol('REDIS');
export const TENANCY_ENVIRONMENT = Symbol('TENANCY_ENVIRONMENT');
