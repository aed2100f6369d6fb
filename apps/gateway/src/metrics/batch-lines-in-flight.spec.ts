import type { BatchLine, BatchLineContext, BatchLineResponse } from '@voxgate/batch';
import { GaugeSeries } from '@voxgate/metrics';
import { countingLinesInFlight } from './batch-lines-in-flight';

const line = (lineNumber: number): BatchLine => ({
  lineNumber,
  customId: `c${lineNumber}`,
  url: '/v1/chat/completions',
  body: {},
  sessionId: null,
});
const context: BatchLineContext = { tenantId: 't', keyId: 'k', batchId: 'b', idempotencyKey: 'i' };
const ok: BatchLineResponse = { statusCode: 200, requestId: 'req_1', body: {} };

describe('countingLinesInFlight', () => {
  it('counts lines while they run, and releases on success and on failure', async () => {
    const inFlight = new GaugeSeries();
    const release: (() => void)[] = [];
    const executor = countingLinesInFlight(
      {
        execute: (item) =>
          new Promise<BatchLineResponse>((resolve, reject) =>
            release.push(() => (item.lineNumber === 2 ? reject(new Error('boom')) : resolve(ok))),
          ),
      },
      inFlight,
    );
    const first = executor.execute(line(1), context);
    const second = executor.execute(line(2), context).catch((error: unknown) => error);
    expect(inFlight.value).toBe(2);
    release[0]!();
    await expect(first).resolves.toBe(ok);
    expect(inFlight.value).toBe(1);
    release[1]!();
    expect(await second).toEqual(new Error('boom'));
    expect(inFlight.value).toBe(0);
  });
});
