import type { FastifyReply } from 'fastify';
import { openaiHeaders } from '../http/response-headers';

/** Streams an export as it is read (no whole-period buffering), with a download file name. */
export async function writeExport(
  reply: FastifyReply,
  pieces: AsyncIterable<string>,
  format: 'jsonl' | 'csv',
): Promise<void> {
  const iterator = pieces[Symbol.asyncIterator]();
  // Pull the first piece before committing to 200, so a bad cursor or Redis outage is still a JSON error.
  const first = await iterator.next();
  reply.hijack();
  reply.raw.writeHead(200, {
    ...openaiHeaders(reply),
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="usage.${format}"`,
  });
  try {
    if (!first.done) reply.raw.write(first.value);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (!reply.raw.write(next.value)) await new Promise((resolve) => reply.raw.once('drain', resolve));
    }
  } finally {
    reply.raw.end();
  }
}
