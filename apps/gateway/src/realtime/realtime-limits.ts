/**
 * Per-socket bounds of a realtime session. Constants for now (docs/realtime.md lists them); they become
 * config keys when an operator needs to change them (the history's audio budget has: `realtime.historyAudioBytes`).
 */
export const REALTIME_LIMITS = {
  /** Largest text frame accepted (`ws` maxPayload): 15 MiB of audio per append (OpenAI's) as base64. */
  maxFrameBytes: 21 * 1024 * 1024,
  /** Sustained client events per second, and the burst above it (a 20 ms audio cadence is 50/s). */
  eventsPerSecond: 200,
  eventsBurst: 400,
  /** Refused events (malformed, over the rate) a socket may send before it is closed (1008). */
  maxViolations: 100,
  /** Bytes of received frames waiting to be handled; past it the client is closed (1008). */
  maxPendingBytes: 64 * 1024 * 1024,
  /** Unsent server events a client may leave unread before it is closed (1008): it stopped reading. */
  maxBufferedBytes: 32 * 1024 * 1024,
  /** A session lives this long (OpenAI: 60 minutes), then closes (1000). */
  lifetimeSeconds: 3600,
} as const;

/** A token bucket: `take()` is false once the client is over `perSecond` sustained plus `burst`. */
export class EventRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
