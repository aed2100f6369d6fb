import { existsSync } from 'node:fs';
import path from 'node:path';
import { LocalVoiceError } from '../local-voice.error';
import { loadNativeLibrary, type NativeLibrary } from './native-library';
import type { NativeFunction } from './koffi';

/** Library file names; override with `LocalVoiceOptions.libraries`. Debian package: `libpocketsphinx3`. */
export interface PocketsphinxLibraryPaths {
  readonly pocketsphinx: string;
  readonly sphinxbase: string;
}

/** Debian `pocketsphinx-en-us`: acoustic model `en-us/`, trigram LM and dictionary. */
export const DEFAULT_POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** pocketsphinx's default frame rate (`-frate`): word times come in frames of 10 ms. */
export const POCKETSPHINX_FRAMES_PER_SECOND = 100;

/** The sample rate the en-us model expects. */
export const POCKETSPHINX_SAMPLE_RATE = 16_000;

/** One recognised word, times in seconds from the start of the decoded buffer. */
export interface DecodedWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** Fillers and markers of the en-us model that are not words of the transcript. */
const NOT_A_WORD = /^(<s>|<\/s>|<sil>|\[\w+\]|\+\+.*\+\+)$/;

/** The model files under a model directory, checked before `ps_init` (which would abort on a missing file). */
export function pocketsphinxModelFiles(modelDir: string): { hmm: string; lm: string; dict: string } {
  return {
    hmm: path.join(modelDir, 'en-us'),
    lm: path.join(modelDir, 'en-us.lm.bin'),
    dict: path.join(modelDir, 'cmudict-en-us.dict'),
  };
}

/**
 * pocketsphinx 0.8+5prealpha in process (Debian `libpocketsphinx3` + `pocketsphinx-en-us`), in
 * full-utterance mode, which the research measured at WER 0.22 against 0.46 for `pocketsphinx_continuous`:
 * `cmd_ln_parse_r(NULL, ps_args(), argc, argv, 1)` → `ps_init` once (0.3–0.5 s), then per utterance
 * `ps_start_utt` → `ps_process_raw(…, full_utt=1)` → `ps_end_utt` → `ps_get_hyp` and the word segments
 * (`ps_seg_iter`/`ps_seg_frames`). One decoder per worker thread; it is not thread-safe.
 */
export class PocketsphinxEngine {
  private constructor(
    /** Held so that koffi never unloads the libraries (it does when a handle is garbage-collected). */
    private readonly libraries: readonly NativeLibrary[],
    private readonly decoder: unknown,
    private readonly calls: {
      start: NativeFunction;
      process: NativeFunction;
      end: NativeFunction;
      hypothesis: NativeFunction;
      segmentIterator: NativeFunction;
      segmentNext: NativeFunction;
      segmentWord: NativeFunction;
      segmentFrames: NativeFunction;
    },
  ) {}

  /** Loads the libraries and the model; throws `engine_unavailable` naming what is missing. */
  static load(paths: PocketsphinxLibraryPaths, modelDir: string): PocketsphinxEngine {
    const files = PocketsphinxEngine.checkModel(modelDir);
    const sphinxbase = loadNativeLibrary(paths.sphinxbase, 'pocketsphinx', 'libsphinxbase3');
    const pocketsphinx = loadNativeLibrary(paths.pocketsphinx, 'pocketsphinx', 'libpocketsphinx3');
    const parse = sphinxbase.func(
      'void *cmd_ln_parse_r(void *inout, void *definitions, int argc, const char **argv, int strict)',
    );
    const argv = ['-hmm', files.hmm, '-lm', files.lm, '-dict', files.dict, '-logfn', '/dev/null'];
    const config: unknown = parse(null, pocketsphinx.func('void *ps_args()')(), argv.length, argv, 1);
    const decoder: unknown = config ? pocketsphinx.func('void *ps_init(void *config)')(config) : null;
    if (!decoder) throw new LocalVoiceError('engine_unavailable', 'pocketsphinx failed to load its en-us model');
    return new PocketsphinxEngine([sphinxbase, pocketsphinx], decoder, {
      start: pocketsphinx.func('int ps_start_utt(void *ps)'),
      process: pocketsphinx.func(
        'int ps_process_raw(void *ps, const int16_t *data, size_t n_samples, int no_search, int full_utt)',
      ),
      end: pocketsphinx.func('int ps_end_utt(void *ps)'),
      hypothesis: pocketsphinx.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *out_best_score)'),
      segmentIterator: pocketsphinx.func('void *ps_seg_iter(void *ps)'),
      segmentNext: pocketsphinx.func('void *ps_seg_next(void *seg)'),
      segmentWord: pocketsphinx.func('const char *ps_seg_word(void *seg)'),
      segmentFrames: pocketsphinx.func('void ps_seg_frames(void *seg, _Out_ int *out_sf, _Out_ int *out_ef)'),
    });
  }

  /** Throws `engine_unavailable` unless every model file exists; returns their paths. */
  static checkModel(modelDir: string): ReturnType<typeof pocketsphinxModelFiles> {
    const files = pocketsphinxModelFiles(modelDir);
    for (const file of Object.values(files)) {
      if (!existsSync(file)) {
        throw new LocalVoiceError(
          'engine_unavailable',
          `pocketsphinx is not available: model file ${path.basename(file)} is missing (install the Debian package pocketsphinx-en-us)`,
        );
      }
    }
    return files;
  }

  /** Decodes one utterance of 16 kHz mono PCM16 in full-utterance mode. */
  decode(samples: Int16Array): { text: string; words: DecodedWord[] } {
    const { start, process, end, hypothesis } = this.calls;
    if (start(this.decoder) < 0) throw new LocalVoiceError('engine_failed', 'ps_start_utt failed');
    const processed = process(this.decoder, samples, samples.length, 0, 1) as number;
    if (end(this.decoder) < 0 || processed < 0) throw new LocalVoiceError('engine_failed', 'ps_process_raw failed');
    const text = ((hypothesis(this.decoder, [0]) as string | null) ?? '').trim();
    return { text, words: this.words() };
  }

  private words(): DecodedWord[] {
    const { segmentIterator, segmentNext, segmentWord, segmentFrames } = this.calls;
    const words: DecodedWord[] = [];
    // ps_seg_next frees the iterator when it returns NULL, so no ps_seg_free after a full walk.
    for (let segment: unknown = segmentIterator(this.decoder); segment; segment = segmentNext(segment)) {
      const word = (segmentWord(segment) as string).replace(/\(\d+\)$/, '');
      if (NOT_A_WORD.test(word)) continue;
      const startFrame = [0];
      const endFrame = [0];
      segmentFrames(segment, startFrame, endFrame);
      words.push({
        word,
        start: (startFrame[0] ?? 0) / POCKETSPHINX_FRAMES_PER_SECOND,
        end: ((endFrame[0] ?? 0) + 1) / POCKETSPHINX_FRAMES_PER_SECOND,
      });
    }
    return words;
  }
}
