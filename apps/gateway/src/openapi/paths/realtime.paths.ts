import { z } from 'zod';
import { json, jsonBody, type RouteGroup } from '../route-doc';

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
    {
      method: 'post',
      path: '/v1/realtime/client_secrets',
      operationId: 'createRealtimeClientSecret',
      summary: 'Create a client secret for a browser (OpenAI’s shape)',
      description: [
        'Mints an `ek_…` secret bound to the tenant, `session.model` and the session settings given, valid',
        '`expires_after.seconds` (10–600, default 600). It opens `GET /v1/realtime` for that model (the session starts',
        'with the settings) and calls `POST /v1/chat/completions` with that model; nothing else. Usage counts under the',
        'minting key. The `x-client-secret-id` response header names it for revocation. A client secret cannot mint.',
      ].join(' '),
      access: 'tenant',
      body: jsonBody('RealtimeClientSecretRequest'),
      responses: {
        '200': json('RealtimeClientSecret', 'The secret (shown once), its expiry and the effective session.'),
      },
    },
    {
      method: 'delete',
      path: '/v1/realtime/client_secrets/{secretId}',
      operationId: 'revokeRealtimeClientSecret',
      summary: 'Revoke a client secret this key minted',
      access: 'tenant',
      responses: { '200': json('ClientSecretDeleted', 'Revoked; the next use of it is a 401.') },
    },
    {
      method: 'options',
      path: '/v1/{path}',
      operationId: 'corsPreflight',
      summary: 'CORS preflight',
      description:
        'Answered 204 with `Access-Control-Allow-*` for an `Origin` listed in `server.cors.origins`, 403 otherwise. Each actual request is then held to its tenant’s `cors_origins`.',
      access: 'public',
      responses: { '204': { description: 'The origin may call the API from a browser.' } },
    },
  ],
};
