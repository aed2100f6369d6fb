import { LocalVoiceError } from './local-voice.error';
import { DEFAULT_VOICE_MAP, OPENAI_VOICES, parseEngineVoice, resolveVoice } from './voices';

describe('voices', () => {
  it('maps every OpenAI voice name to a valid engine voice', () => {
    expect(Object.keys(DEFAULT_VOICE_MAP).sort()).toEqual([...OPENAI_VOICES].sort());
    for (const spec of Object.values(DEFAULT_VOICE_MAP)) expect(() => parseEngineVoice(spec)).not.toThrow();
  });

  it('parses engine voices and rejects unknown engines or flite voices', () => {
    expect(parseEngineVoice('flite:kal16')).toEqual({ engine: 'flite', voice: 'kal16' });
    expect(parseEngineVoice('espeak-ng:en-gb-x-rp+f2')).toEqual({ engine: 'espeak-ng', voice: 'en-gb-x-rp+f2' });
    for (const bad of ['flite:nobody', 'festival:kal', 'espeak-ng:../../etc', 'slt']) {
      expect(() => parseEngineVoice(bad)).toThrow(LocalVoiceError);
    }
  });

  it('resolves mapped names, direct engine voices only when allowed, and nothing else', () => {
    const map = { alloy: parseEngineVoice('flite:slt') };
    expect(resolveVoice('alloy', map, false)).toEqual({ engine: 'flite', voice: 'slt' });
    expect(resolveVoice('flite:awb', map, true)).toEqual({ engine: 'flite', voice: 'awb' });
    const code = (voice: string, allow: boolean): string => {
      try {
        resolveVoice(voice, map, allow);
        return 'resolved';
      } catch (error) {
        return (error as LocalVoiceError).code;
      }
    };
    expect(code('flite:awb', false)).toBe('unknown_voice');
    expect(code('toString', true)).toBe('unknown_voice');
    expect(code('flite:nobody', true)).toBe('unknown_voice');
  });
});
