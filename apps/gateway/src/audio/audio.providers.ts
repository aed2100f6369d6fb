import type { Provider, Type } from '@nestjs/common';
import { LocalEnginesLifecycle } from './local-engines.lifecycle';
import { MeteredAudio } from './metered-audio';
import { SpeechController } from './speech.controller';
import { SpeechSynthesis } from './speech-synthesis';
import { TranscriptionsController, TranslationsController } from './transcriptions.controller';
import { Transcription } from './transcription';

/** `/v1/audio/speech`, `/v1/audio/transcriptions`, `/v1/audio/translations`. */
export const AUDIO_CONTROLLERS: Type[] = [SpeechController, TranscriptionsController, TranslationsController];

/** What they need besides the shared graph (ModelCatalog, ProviderRouter, quotas, metering). */
export const AUDIO_PROVIDERS: Provider[] = [SpeechSynthesis, Transcription, MeteredAudio, LocalEnginesLifecycle];
