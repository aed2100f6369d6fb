import { JsonLogger } from '../infra/json-logger';

/**
 * A cluster worker's logger: every line also carries `worker`, the worker's slot (0 … N-1), so the lines
 * of N processes writing to one stdout can be told apart (and an access line traced to its process).
 */
export class WorkerLogger extends JsonLogger {
  constructor(
    minLevel: ConstructorParameters<typeof JsonLogger>[0],
    private readonly worker: number,
  ) {
    super(minLevel);
  }

  override event(...[level, msg, fields = {}]: Parameters<JsonLogger['event']>): void {
    super.event(level, msg, { ...fields, worker: this.worker });
  }
}
