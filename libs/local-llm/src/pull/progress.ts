/** Receives download progress. */
export interface ProgressSink {
  update(received: number, total: number | undefined): void;
  /** The download ended (completed or not); a bar ends its line. */
  end(): void;
}

/** Where progress goes: a terminal gets a redrawn bar, anything else (CI logs, pipes) plain lines. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(1);

/**
 * On a TTY, one line `label [#####-----]  45%  12.3/27.0 MB  3.2 MB/s` redrawn at most every 100 ms; elsewhere
 * a line at every 10 % (every 16 MB when the size is unknown), so logs stay short and readable.
 */
export function progressReporter(output: ProgressOutput, label: string, now = Date.now): ProgressSink {
  const started = now();
  let lastDraw = 0;
  let lastStep = -1;
  let drewBar = false;
  const rate = (received: number): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    return `${mb(received / seconds)} MB/s`;
  };
  return {
    update(received, total) {
      if (output.isTTY) {
        const t = now();
        if (t - lastDraw < 100 && received !== total) return;
        lastDraw = t;
        drewBar = true;
        if (total) {
          const share = Math.min(received / total, 1);
          const filled = Math.round(share * 30);
          const bar = `[${'#'.repeat(filled)}${'-'.repeat(30 - filled)}]`;
          const percent = `${Math.floor(share * 100)}%`.padStart(4);
          output.write(`\r${label} ${bar} ${percent}  ${mb(received)}/${mb(total)} MB  ${rate(received)}\x1b[K`);
        } else output.write(`\r${label} ${mb(received)} MB  ${rate(received)}\x1b[K`);
        return;
      }
      const step = total ? Math.floor((received / total) * 10) : Math.floor(received / (16 * 1_048_576));
      if (step === lastStep) return;
      lastStep = step;
      output.write(
        total
          ? `${label}: ${step * 10}% (${mb(received)}/${mb(total)} MB, ${rate(received)})\n`
          : `${label}: ${mb(received)} MB (${rate(received)})\n`,
      );
    },
    end() {
      if (drewBar) output.write('\n');
    },
  };
}
