/** Injection tokens of the batch wiring (values that are not classes). */
export const BATCH_SETTINGS = Symbol('BATCH_SETTINGS');
export const BATCH_ENVIRONMENT = Symbol('BATCH_ENVIRONMENT');
