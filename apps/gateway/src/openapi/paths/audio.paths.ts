import { schemaRef } from '../component-schemas';
import type { HeaderObject, RequestBodyObject, ResponseObject } from '../openapi.types';
import { header, responseHeader, type RouteGroup } from '../route-doc';

const routeHeaders: Record<string, HeaderObject> = {
  'x-voxgate-model': responseHeader('The dated snapshot that answered.'),
  'x-voxgate-provider': responseHeader('The configured provider that answered.'),
  'x-voxgate-upstream-request-id': responseHeader("The provider's own request id, when it sent one."),
};

const binary = { type: 'string', format: 'binary' };

const SPEECH_SSE = [
  'With `stream_format: sse`: `data: {"type":"speech.audio.delta","audio":"<base64>"}` events (their decoded',
  'concatenation is one file of `response_format`), then `data: {"type":"speech.audio.done","usage":{…}}`. A failure',
  'after the first byte arrives in-band as `data: {"error": {…}}`.',
].join(' ');

const TRANSCRIPT_SSE = [
  'With `stream=true`: `transcript.text.delta` events, then `transcript.text.done` with the whole text and usage',
  '(a provider that does not stream, like `whisper-1`, yields one delta and the done event).',
].join(' ');

function form(component: string): RequestBodyObject {
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: schemaRef(component), encoding: { file: { contentType: 'audio/*' } } },
    },
  };
}

function transcript(description: string): ResponseObject {
  return {
    description,
    headers: routeHeaders,
    content: {
      'application/json': {
        schema: {
          anyOf: [schemaRef('CreateTranscriptionResponseJson'), schemaRef('CreateTranscriptionResponseVerboseJson')],
        },
      },
      'text/plain': { schema: { type: 'string', description: '`text`, `srt` or `vtt`.' } },
      'text/event-stream': { schema: { type: 'string', description: TRANSCRIPT_SSE } },
    },
  };
}

export const AUDIO_PATHS: RouteGroup = {
  tag: {
    name: 'Audio',
    description:
      "OpenAI's speech and transcription routes (`client.audio.speech`, `.transcriptions`, `.translations`), relayed to the model's provider with Voxgate's format and speed conversion.",
  },
  routes: [
    {
      method: 'post',
      path: '/v1/audio/speech',
      operationId: 'createSpeech',
      summary: 'Generate speech from text',
      description: [
        "OpenAI's `POST /v1/audio/speech`. The audio is streamed as it is produced. Formats the provider cannot",
        'make (and `g711_ulaw`/`g711_alaw`) are encoded by the gateway from its `pcm`; `speed` is time-stretched',
        '(pitch kept) when the provider does not apply it. The model must list `audio/speech` in its `endpoints`.',
      ].join(' '),
      access: 'tenant',
      headers: [header('traceparent', 'W3C trace context; the gateway’s span continues the caller’s trace.')],
      body: { required: true, content: { 'application/json': { schema: schemaRef('CreateSpeechRequest') } } },
      responses: {
        '200': {
          description: 'The audio file, chunked; or server-sent events with `stream_format: sse`.',
          headers: {
            ...routeHeaders,
            'x-voxgate-audio-speed': responseHeader('The playback speed of the audio.'),
          },
          content: {
            'audio/mpeg': { schema: binary },
            'audio/opus': { schema: binary },
            'audio/aac': { schema: binary },
            'audio/flac': { schema: binary },
            'audio/wav': { schema: binary },
            'audio/pcm': { schema: { ...binary, description: '24 kHz mono s16le, no header.' } },
            'audio/PCMU': { schema: { ...binary, description: '`g711_ulaw`: 8 kHz µ-law, no header.' } },
            'audio/PCMA': { schema: { ...binary, description: '`g711_alaw`: 8 kHz A-law, no header.' } },
            'text/event-stream': { schema: { type: 'string', description: SPEECH_SSE } },
          },
        },
      },
    },
    {
      method: 'post',
      path: '/v1/audio/transcriptions',
      operationId: 'createTranscription',
      summary: 'Transcribe audio',
      description:
        "OpenAI's `POST /v1/audio/transcriptions`. Empty, corrupt, unsupported or too long audio is a 400 naming `file`; a file over `server.bodyLimitBytes` a 413.",
      access: 'tenant',
      body: form('CreateTranscriptionForm'),
      responses: { '200': transcript('The transcript, in `response_format`.') },
    },
    {
      method: 'post',
      path: '/v1/audio/translations',
      operationId: 'createTranslation',
      summary: 'Translate audio into English',
      description: "OpenAI's `POST /v1/audio/translations` (no streaming).",
      access: 'tenant',
      body: form('CreateTranslationForm'),
      responses: { '200': transcript('The English text, in `response_format`.') },
    },
  ],
};
