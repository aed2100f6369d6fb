import { OpenApiValidator } from '../openapi/openapi-validator';
import { FakeUpstream } from './fake-upstream.server';
import { UPSTREAM_KEY, postChat } from './fake-upstream.spec-helpers';

const validator = new OpenApiValidator();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
});
afterEach(() => upstream.clear());
afterAll(() => upstream.stop());

const valid = { model: 'gpt-4o-audio-preview', messages: [{ role: 'user', content: 'Hi' }] };

describe('FakeUpstream: spec violations in requests', () => {
  it('records a violation and answers 400 naming it', async () => {
    upstream.enqueue({ kind: 'json', body: { never: 'sent' } });
    const response = await postChat(upstream, { ...valid, temperature: 5 });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; param: string | null } };
    validator.assertValid('ErrorResponse', body);
    expect(body.error.message).toContain('/temperature must be <= 2');
    expect(body.error.param).toBe('temperature');
    expect(upstream.violations).toContain(
      'POST /v1/chat/completions: CreateChatCompletionRequest: /temperature must be <= 2',
    );
    expect(() => upstream.assertNoViolations()).toThrow(
      /saw 1 spec violation\(s\):\n {2}- POST \/v1\/chat\/completions: CreateChatCompletionRequest: \/temperature/,
    );
    expect(upstream.lastRequest().answeredBy).toBe('spec');
    expect(upstream.pendingReplies).toBe(1);
  });

  it('names nested params the way OpenAI does', async () => {
    const response = await postChat(upstream, {
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'robot', content: 'Hi' }],
    });
    const body = (await response.json()) as { error: { param: string | null } };
    expect(response.status).toBe(400);
    expect(body.error.param).toMatch(/^messages\[0\]/);
  });

  it('rejects a request without messages', async () => {
    const response = await postChat(upstream, { model: 'gpt-4o-audio-preview' });
    expect(response.status).toBe(400);
    expect(upstream.violations).toEqual([
      "POST /v1/chat/completions: CreateChatCompletionRequest: / must have required property 'messages'",
    ]);
  });

  it('rejects keys the spec does not declare, top-level like OpenAI does, and nested', async () => {
    const topLevel = await postChat(upstream, { ...valid, voxgate_tenant: 'acme' });
    expect(topLevel.status).toBe(400);
    expect(await topLevel.json()).toMatchObject({
      error: { message: 'Unrecognized request argument supplied: voxgate_tenant' },
    });

    const nested = await postChat(upstream, { ...valid, messages: [{ role: 'user', content: 'Hi', session: 's1' }] });
    expect(nested.status).toBe(400);
    expect(upstream.violations).toEqual([
      'POST /v1/chat/completions: CreateChatCompletionRequest: /voxgate_tenant is not declared by the spec',
      'POST /v1/chat/completions: CreateChatCompletionRequest: /messages/0/session is not declared by the spec',
    ]);
  });

  it('records a body that is not JSON, or not sent as JSON', async () => {
    const broken = await postChat(upstream, '{"model":');
    expect(broken.status).toBe(400);
    const plain = await postChat(upstream, valid, { headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(400);
    expect(upstream.violations).toEqual([
      'POST /v1/chat/completions: body is not valid JSON',
      "POST /v1/chat/completions: content-type is 'text/plain', expected application/json",
    ]);
  });

  it('has no violations for a valid request', async () => {
    expect((await postChat(upstream, valid)).status).toBe(200);
    expect(upstream.violations).toEqual([]);
    expect(() => upstream.assertNoViolations()).not.toThrow();
  });

  it('skips the spec check when started with validator: false', async () => {
    const lenient = await FakeUpstream.start({ validator: false });
    try {
      expect((await postChat(lenient, { ...valid, temperature: 5 })).status).toBe(200);
      expect(lenient.violations).toEqual([]);
    } finally {
      await lenient.stop();
    }
  });
});
