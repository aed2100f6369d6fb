import { GatewayProcess } from './support/gateway-process';

describe('configuration at boot', () => {
  it('boots from config/default.yaml alone', async () => {
    const gateway = await GatewayProcess.start();
    await gateway.stop();
  });

  it('refuses to start on a bad value and names the key, without echoing secrets', async () => {
    const failure = await GatewayProcess.startFailing({
      config: {
        providers: { openai: { type: 'openai', baseUrl: 'not a url', apiKey: 'sk-super-secret-value' } },
        models: [{ id: 'm-1', provider: 'nowhere' }],
      },
    });
    expect(failure.code).toBe(1);
    expect(failure.output).toContain('providers.openai.baseUrl');
    expect(failure.output).toContain('models.0.provider');
    expect(failure.output).not.toContain('sk-super-secret-value');
  });

  it('interpolates ${VAR} and fails, naming the key, when the variable is unset', async () => {
    const config = {
      providers: {
        openai: { type: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: '${VOXGATE_TEST_UNSET_KEY}' },
      },
    };
    const failure = await GatewayProcess.startFailing({ config });
    expect(failure.output).toContain('providers.openai.apiKey: environment variable VOXGATE_TEST_UNSET_KEY is not set');

    const gateway = await GatewayProcess.start({ config, env: { VOXGATE_TEST_UNSET_KEY: 'sk-from-env' } });
    await gateway.stop();
  });

  it('rejects an unknown config key', async () => {
    const failure = await GatewayProcess.startFailing({ config: { server: { prot: 8080 } } });
    expect(failure.output).toMatch(/server: Unrecognized key.*prot/);
  });
});
