import { requestLine } from '../__fixtures__/batch.factory';
import { parseBatchInput } from './parse-batch-input';

const parse = (lines: string[], maxLines = 50_000) =>
  parseBatchInput(Buffer.from(lines.join('\n')), { endpoint: '/v1/chat/completions', maxLines });

describe('parseBatchInput', () => {
  it('accepts valid lines with their 1-based numbers, skipping blank lines but counting them', () => {
    const parsed = parse([requestLine('a'), '', requestLine('b', { sessionId: 'call-1' }), '   ', '']);
    expect(parsed.errors).toEqual([]);
    expect(parsed.model).toBe('gpt-4o-audio-preview');
    expect(parsed.lines.map((line) => [line.lineNumber, line.customId, line.sessionId])).toEqual([
      [1, 'a', null],
      [3, 'b', 'call-1'],
    ]);
  });

  it('accepts CRLF line ends and a byte order mark', () => {
    const parsed = parseBatchInput(Buffer.from(`\uFEFF${requestLine('a')}\r\n${requestLine('b')}\r\n`), {
      endpoint: '/v1/chat/completions',
      maxLines: 10,
    });
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines).toHaveLength(2);
  });

  it('reports every documented code with the line it is on', () => {
    const parsed = parse([
      requestLine('ok'),
      '{"custom_id": "broken",',
      requestLine('ok'),
      requestLine('wrong-url', { extra: { url: '/v1/embeddings' } }),
      requestLine('other-model', { model: 'gpt-4o-mini-audio-preview' }),
      requestLine('get', { extra: { method: 'GET' } }),
      requestLine('bad-session', { sessionId: 'has space' }),
      requestLine('typo', { extra: { sesion_id: 'x' } }),
      '[1,2]',
      JSON.stringify({ custom_id: 'no-model', method: 'POST', url: '/v1/chat/completions', body: { messages: [] } }),
    ]);
    expect(parsed.errors.map((error) => [error.code, error.line, error.param])).toEqual([
      ['invalid_json_line', 2, null],
      ['duplicate_custom_id', 3, 'custom_id'],
      ['url_mismatch', 4, 'url'],
      ['model_mismatch', 5, 'body.model'],
      ['invalid_method', 6, 'method'],
      ['invalid_session_id', 7, 'session_id'],
      ['unknown_parameter', 8, 'sesion_id'],
      ['invalid_json_line', 9, null],
      ['missing_required_parameter', 10, 'body.model'],
    ]);
    expect(parsed.errors[0]?.message).toBe('This line is not parseable as valid JSON.');
  });

  it('reports an empty file, and one of blank lines only', () => {
    expect(parse([]).errors).toEqual([expect.objectContaining({ code: 'empty_file', line: null })]);
    expect(parse(['', '  ', '']).errors.map((error) => error.code)).toEqual(['empty_file']);
  });

  it('reports too_many_tasks past the line limit', () => {
    const parsed = parse([requestLine('a'), requestLine('b'), requestLine('c')], 2);
    expect(parsed.errors).toEqual([
      expect.objectContaining({ code: 'too_many_tasks', line: null, message: expect.stringContaining('3 requests') }),
    ]);
  });

  it('caps the report at 100 errors with a summary', () => {
    const parsed = parse(Array.from({ length: 150 }, () => 'nope'));
    expect(parsed.errors).toHaveLength(100);
    expect(parsed.errors.at(-1)).toMatchObject({
      code: 'too_many_errors',
      message: expect.stringContaining('51 more'),
    });
  });
});
