import type { BatchLine, BatchLineContext, BatchLineExecutor, BatchLineResponse } from '@voxgate/batch';
import type { GaugeSeries } from '@voxgate/metrics';

/** `executor`, with the lines it is running counted in `inFlight` (`voxgate_batch_lines_in_flight`). */
export function countingLinesInFlight(executor: BatchLineExecutor, inFlight: GaugeSeries): BatchLineExecutor {
  return {
    async execute(line: BatchLine, context: BatchLineContext): Promise<BatchLineResponse> {
      inFlight.inc();
      try {
        return await executor.execute(line, context);
      } finally {
        inFlight.dec();
      }
    },
  };
}
