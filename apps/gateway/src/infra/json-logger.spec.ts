import { JsonLogger } from './json-logger';

function capture(run: () => void): { stdout: unknown[]; stderr: unknown[] } {
  const stdout: unknown[] = [];
  const stderr: unknown[] = [];
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((line) => stdout.push(JSON.parse(String(line))) > 0);
  const err = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((line) => stderr.push(JSON.parse(String(line))) > 0);
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

describe('JsonLogger', () => {
  it("writes Nest's start-up lines (module wiring, route mapping) at debug level only", () => {
    const boot = (logger: JsonLogger) => {
      logger.log('Starting Nest application...', 'NestFactory');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('ModelsController {/v1/models}:', 'RoutesResolver');
      logger.log('Mapped {/v1/models, GET} route', 'RouterExplorer');
      logger.log('Nest application successfully started', 'NestApplication');
    };
    expect(capture(() => boot(new JsonLogger('info'))).stdout).toEqual([]);
    const debug = capture(() => boot(new JsonLogger('debug'))).stdout;
    expect(debug).toHaveLength(5);
    expect(debug[3]).toMatchObject({
      level: 'debug',
      msg: 'Mapped {/v1/models, GET} route',
      context: 'RouterExplorer',
    });
  });

  it('keeps other log lines, and Nest warnings and errors, at their level', () => {
    const { stdout, stderr } = capture(() => {
      const logger = new JsonLogger('info');
      logger.log('batch worker started', 'BatchRuntime');
      logger.log({ msg: 'structured', id: 1 });
      logger.warn('deprecated option', 'NestApplication');
      logger.error('boom', 'stack', 'RouterExplorer');
      logger.event('info', 'listening', { url: 'http://127.0.0.1:8080' });
    });
    expect(stdout).toEqual([
      expect.objectContaining({ level: 'info', msg: 'batch worker started', context: 'BatchRuntime' }),
      expect.objectContaining({ level: 'info', msg: 'structured', id: 1 }),
      expect.objectContaining({ level: 'warn', msg: 'deprecated option', context: 'NestApplication' }),
      expect.objectContaining({ level: 'info', msg: 'listening', url: 'http://127.0.0.1:8080' }),
    ]);
    expect(stderr).toEqual([expect.objectContaining({ level: 'error', msg: 'boom', context: 'RouterExplorer' })]);
  });
});
