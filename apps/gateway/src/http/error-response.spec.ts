import { HttpException } from '@nestjs/common';
import { toGatewayError } from './error-response';

const request = { method: 'POST', url: '/v1/chat/completions?x=1', contentType: 'text/plain', bodyLimit: 1024 };

/** An error as Fastify raises it for a route registered on it directly (not rewrapped by Nest). */
function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode, name: 'FastifyError' });
}

describe('toGatewayError: Fastify body errors mean the same, raised by Fastify or rewrapped by Nest', () => {
  it.each([
    [415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type', 'unsupported_media_type'],
    [413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 'request_too_large'],
  ])('%d', (status, code, message, expectedCode) => {
    const fromFastify = toGatewayError(fastifyError(code, status, message), request);
    const fromNest = toGatewayError(new HttpException(message, status), request);
    expect(fromFastify).toEqual(fromNest);
    expect(fromFastify).toMatchObject({ unexpected: false, error: { status, code: expectedCode } });
  });

  it('any other error with a status is still unexpected: a 500, details for the log only', () => {
    const other = Object.assign(new Error('boom'), { statusCode: 415 });
    expect(toGatewayError(other, request)).toMatchObject({ unexpected: true, error: { status: 500 } });
  });
});
