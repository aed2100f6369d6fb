import { randomBytes } from 'node:crypto';

/** Server-made ids in OpenAI's style: `event_…`, `item_…`, `resp_…`, `sess_…` (22 url-safe chars). */
export type IdPrefix = 'event' | 'item' | 'resp' | 'sess' | 'conv';

/** Makes ids; injected so tests can have deterministic ones. */
export type IdGenerator = (prefix: IdPrefix) => string;

export const randomId: IdGenerator = (prefix) => `${prefix}_${randomBytes(16).toString('base64url').slice(0, 22)}`;
