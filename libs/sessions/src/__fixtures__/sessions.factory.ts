/** Test data for the sessions lib: limits, messages and stored audio, each with overrides. */
import type { ChatMessage } from '@voxgate/openai-wire';
import type { Redis } from 'ioredis';
import { AudioStore } from '../repositories/audio.store';
import { SessionRepository } from '../repositories/session.repository';
import type { SessionLimits, StoredAudio, StoredMessage } from '../session.types';

/** A fixed instant (2030-05-14T10:20:15Z), in unix ms. */
export const T0 = Date.UTC(2030, 4, 14, 10, 20, 15);
export const T0_SECONDS = Math.floor(T0 / 1000);

export const TENANT = 'ten_a';
export const OTHER_TENANT = 'ten_b';
export const SESSION = 'call-1001';

export const limits = (overrides: Partial<SessionLimits> = {}): SessionLimits => ({
  ttlSeconds: 3600,
  maxTurns: 200,
  maxBytes: 1_048_576,
  ...overrides,
});

/** 0.1 s of pcm16 (24 kHz mono 16-bit) silence with a recognisable start, base64. */
export const PCM16_BASE64 = Buffer.concat([Buffer.from('VOXGATE-PCM'), Buffer.alloc(4789)]).toString('base64');

export const userText = (text: string): StoredMessage => ({ role: 'user', content: text });
export const assistantText = (text: string): StoredMessage => ({ role: 'assistant', content: text });

export const userAudio = (data = PCM16_BASE64, text?: string): ChatMessage => ({
  role: 'user',
  content: [
    ...(text === undefined ? [] : [{ type: 'text' as const, text }]),
    { type: 'input_audio' as const, input_audio: { data, format: 'pcm16' as const } },
  ],
});

/** An assistant audio answer as a session stores it: the Voxgate id and the transcript beside it. */
export const assistantAudioMessage = (id: string, transcript: string): StoredMessage => ({
  role: 'assistant',
  content: null,
  refusal: null,
  audio: { id },
  transcript,
});

export const storedAudio = (overrides: Partial<StoredAudio> = {}): StoredAudio => ({
  id: 'audio_vg_000000000000000000000001',
  kind: 'assistant',
  format: 'pcm16',
  data: PCM16_BASE64,
  transcript: 'Hello there.',
  upstream_id: 'audio_67153952b364819093d6a4aac6e0767a',
  upstream_expires_at: T0_SECONDS + 3600,
  expires_at: T0_SECONDS + 86_400,
  ...overrides,
});

export function repositories(redis: Redis, sessionLimits: SessionLimits = limits()) {
  return { sessions: new SessionRepository(redis, sessionLimits), audio: new AudioStore(redis) };
}

export function sessionKeys(tenantId: string, sessionId: string) {
  const base = `session:{t:${tenantId}}:${sessionId}`;
  return { turns: base, meta: `${base}:meta`, audio: `${base}:audio` };
}

/** Redis Cluster's hash tag: the text between the first `{` and the next `}`, when non-empty. */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}
