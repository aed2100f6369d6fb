import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { SessionLimits, StoredMessage, StoredTurn } from '../session.types';

const APPEND = readFileSync(path.join(__dirname, 'append-turn-3.lua'), 'utf8');

type AppendCommand = (list: string, meta: string, audio: string, ...args: (string | number)[]) => Promise<number>;

/** What a session holds, oldest turn first. */
export interface SessionSnapshot {
  readonly turns: StoredTurn[];
  /** Unix ms; null for a session that does not exist. */
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
}

/**
 * Sessions of a tenant. Keys (all under the tenant's `{t:<tenant>}` hash tag):
 * - `session:{t:T}:<sid>`        list of turns (JSON), oldest first
 * - `session:{t:T}:<sid>:meta`   hash `{ created_at, updated_at, seq, bytes }`
 * - `session:{t:T}:<sid>:audio`  set of audio-store ids the session owns (deleted with it)
 * - `session:{t:T}:<sid>:transcripts`  transcripts of its user audio (`InputTranscriptStore`; deleted with it)
 * - `session:{t:T}:<sid>:heard`  hash request id → what the user heard of that turn's spoken answer, when a
 *   realtime client truncated it after it was stored (`recordHeardAnswer`); applied by `read`
 */
export class SessionRepository {
  private readonly appendScript: AppendCommand;

  constructor(
    private readonly redis: Redis,
    private readonly limits: SessionLimits,
  ) {
    if (!('appendSessionTurn' in redis)) redis.defineCommand('appendSessionTurn', { numberOfKeys: 3, lua: APPEND });
    this.appendScript = (redis as unknown as { appendSessionTurn: AppendCommand }).appendSessionTurn.bind(redis);
  }

  /**
   * Appends a turn atomically; returns its sequence number, or 0 when a turn with the same
   * `idempotencyKey` is already in the session (then nothing changes).
   */
  async append(
    tenantId: string,
    sessionId: string,
    turn: { requestId: string; idempotencyKey?: string | null; at: number; messages: StoredMessage[] },
    audioIds: string[],
  ): Promise<number> {
    const keys = this.keys(tenantId, sessionId);
    const idempotencyKey = turn.idempotencyKey ?? '';
    if (idempotencyKey !== '' && !/^[A-Za-z0-9._:-]+$/.test(idempotencyKey)) {
      throw new Error('idempotency keys of session turns are [A-Za-z0-9._:-]+');
    }
    const json = JSON.stringify({
      at: turn.at,
      request_id: turn.requestId,
      ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
      messages: turn.messages,
    });
    return this.appendScript(
      keys.turns,
      keys.meta,
      keys.audio,
      json,
      turn.at,
      this.limits.ttlSeconds * 1000,
      this.limits.maxBytes,
      this.limits.maxTurns,
      idempotencyKey,
      ...audioIds,
    );
  }

  /** Reads the whole session and refreshes its TTL (a session lives as long as it is used). */
  async read(tenantId: string, sessionId: string): Promise<SessionSnapshot> {
    const keys = this.keys(tenantId, sessionId);
    const ttl = this.limits.ttlSeconds * 1000;
    const results =
      (await this.redis
        .multi()
        .lrange(keys.turns, 0, -1)
        .hgetall(keys.meta)
        .hgetall(keys.heard)
        .pexpire(keys.turns, ttl)
        .pexpire(keys.meta, ttl)
        .pexpire(keys.audio, ttl)
        .pexpire(keys.heard, ttl)
        .exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    const heard = (results[2]?.[1] as Record<string, string> | undefined) ?? {};
    const turns = ((results[0]?.[1] as string[] | undefined) ?? []).map((entry) =>
      withHeardAnswer(JSON.parse(entry) as StoredTurn, heard),
    );
    const meta = (results[1]?.[1] as Record<string, string> | undefined) ?? {};
    return {
      turns,
      createdAt: meta.created_at ? Number(meta.created_at) : null,
      updatedAt: meta.updated_at ? Number(meta.updated_at) : null,
    };
  }

  /**
   * Records what the user heard of a stored turn's spoken answer (a realtime `conversation.item.truncate`
   * after the turn was stored: the transcript cut where playback stopped). From then on `read` returns
   * that turn's last assistant message as this text, without its audio, so a resumed conversation or a
   * later `X-Session-Id` request holds only what was heard, as the live conversation does. Kept as long as
   * the session (its TTL, deleted with it); a later call for the same turn replaces the text.
   */
  async recordHeardAnswer(tenantId: string, sessionId: string, requestId: string, transcript: string): Promise<void> {
    const key = this.keys(tenantId, sessionId).heard;
    const results = await this.redis
      .multi()
      .hset(key, requestId, transcript)
      .pexpire(key, this.limits.ttlSeconds * 1000)
      .exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  /** Deletes the session and every audio object it owns; returns whether it existed. */
  async delete(tenantId: string, sessionId: string, audioKey: (id: string) => string): Promise<boolean> {
    const keys = this.keys(tenantId, sessionId);
    const audioIds = await this.redis.smembers(keys.audio);
    const multi = this.redis.multi().del(keys.turns, keys.meta, keys.audio, keys.transcripts, keys.heard);
    if (audioIds.length) multi.del(...audioIds.map(audioKey));
    const results = (await multi.exec()) ?? [];
    return Number(results[0]?.[1] ?? 0) > 0;
  }

  private keys(tenantId: string, sessionId: string) {
    const base = `session:{t:${tenantId}}:${sessionId}`;
    return {
      turns: base,
      meta: `${base}:meta`,
      audio: `${base}:audio`,
      transcripts: `${base}:transcripts`,
      heard: `${base}:heard`,
    };
  }
}

/** The turn with its last assistant message replaced by what the user heard of it, if that was recorded. */
function withHeardAnswer(turn: StoredTurn, heard: Readonly<Record<string, string>>): StoredTurn {
  const text = heard[turn.request_id];
  if (text === undefined) return turn;
  const index = turn.messages.findLastIndex((message) => message.role === 'assistant');
  const answer = turn.messages[index];
  if (!answer) return turn;
  const { audio: _audio, ...rest } = answer;
  const messages = [...turn.messages];
  messages[index] = { ...rest, content: text, ...(answer.transcript !== undefined ? { transcript: text } : {}) };
  return { ...turn, messages };
}
