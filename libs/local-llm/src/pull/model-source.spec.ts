import path from 'node:path';
import { ggufModelPath } from '../gguf-text-model.factory';
import { parseModelUri, pulledModelPath } from './model-source';

describe('model uris', () => {
  it('maps hf: uris to Hugging Face resolve URLs and a folder per repository', () => {
    expect(parseModelUri('hf:bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q4_K_M.gguf')).toEqual({
      url: 'https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/SmolLM2-135M-Instruct-Q4_K_M.gguf',
      relativePath: path.join(
        'huggingface.co',
        'bartowski',
        'SmolLM2-135M-Instruct-GGUF',
        'SmolLM2-135M-Instruct-Q4_K_M.gguf',
      ),
    });
    expect(parseModelUri('hf:u/r/q4/m.gguf', 'http://mirror:8080/').url).toBe(
      'http://mirror:8080/u/r/resolve/main/q4/m.gguf',
    );
  });

  it('maps https URLs to host/file and refuses anything else', () => {
    expect(parseModelUri('https://example.com/a/b/model.gguf?download=1').relativePath).toBe(
      path.join('example.com', 'model.gguf'),
    );
    expect(() => parseModelUri('http://example.com/model.gguf')).toThrow('not https');
    expect(() => parseModelUri('hf:u/../x.gguf')).toThrow();
    expect(() => parseModelUri('ftp://x')).toThrow();
    expect(() => parseModelUri('https://example.com/')).toThrow('file name');
  });

  it('resolves a config entry to the file models:pull stores', () => {
    const settings = { contextSize: 1, threads: 1, parallel: 1 };
    expect(ggufModelPath({ ...settings, uri: 'hf:u/r/m.gguf' }, {}, '/srv')).toBe(
      '/srv/models/huggingface.co/u/r/m.gguf',
    );
    expect(ggufModelPath({ ...settings, uri: 'hf:u/r/m.gguf' }, { VOXGATE_MODELS_DIR: '/m' }, '/srv')).toBe(
      '/m/huggingface.co/u/r/m.gguf',
    );
    expect(ggufModelPath({ ...settings, path: 'x.gguf', modelsDir: '/ignored' }, {}, '/srv')).toBe('/srv/x.gguf');
    expect(pulledModelPath('https://h.example/m.gguf', '/d')).toBe('/d/h.example/m.gguf');
  });
});
