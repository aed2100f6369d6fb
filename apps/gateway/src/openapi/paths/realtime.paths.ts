import { z } from 'zod';
import type { RouteGroup } from '../route-doc';

const RealtimeQuerySchema = z.object({
  model: z
    .string()
    .min(1)
    .describe('A model id or alias from `GET /v1/models`; the session is bridged onto its chat completions.'),
});

export const REALTIME_PATHS: RouteGroup = {
  tag: {
    name: 'Realtime',
    description:
      "OpenAI's Realtime API (GA events) over a WebSocket, bridged onto chat-completions audio models. See docs/realtime.md.",
  },
  routes: [
    {
      method: 'get',
      path: '/v1/realtime',
      operationId: 'connectRealtime',
      summary: 'Open a Realtime session (WebSocket upgrade)',
      description: [
        'A WebSocket upgrade (`Connection: Upgrade`, `Upgrade: websocket`). Authenticate with `Authorization: Bearer <tenant key>`,',
        'or from a browser with the subprotocols `realtime` and `openai-insecure-api-key.<key>` (only `realtime` is echoed).',
        'After the upgrade the socket speaks the Realtime protocol: `session.created` first, then client events',
        '(`session.update`, `input_audio_buffer.*`, `conversation.item.*`, `response.create|cancel`) and server events',
        'as in OpenAI’s spec. Each model turn runs as a streamed chat completion through the gateway’s pipeline (quotas,',
        'metering, server tools). A session holds one `concurrent_streams` lease while it lives. Refusals happen before the',
        'upgrade, as HTTP errors in the envelope: 400 no `model`, 401, 403, 404 unknown model, 426 not an upgrade, 429.',
      ].join(' '),
      access: 'tenant',
      query: RealtimeQuerySchema,
      responses: {
        '101': { description: 'Switching Protocols: the WebSocket is open and `session.created` follows.' },
      },
    },
  ],
};
