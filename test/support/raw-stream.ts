import { collectSseEvents } from '@voxgate/testing';

/** A chunk as it travelled on the wire (parsed JSON of one `data:` event). */
export type WireChunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      audio?: { id?: string; data?: string; transcript?: string; expires_at?: number };
      tool_calls?: unknown[];
    };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
};

/** POSTs a streaming request with fetch and returns every SSE `data` payload in order, `[DONE]` included. */
export async function rawStream(
  gatewayUrl: string,
  key: string,
  body: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; data: string[] }> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    return { status: response.status, headers: response.headers, data: [await response.text()] };
  }
  const events = await collectSseEvents(response);
  return { status: response.status, headers: response.headers, data: events.map((event) => event.data) };
}

export function chunksOf(data: string[]): WireChunk[] {
  return data.filter((item) => item !== '[DONE]').map((item) => JSON.parse(item) as WireChunk);
}
