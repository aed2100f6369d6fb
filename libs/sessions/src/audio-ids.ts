import { randomBytes } from 'node:crypto';

/** Voxgate's own ids for assistant audio; anything else in `audio.id` is the provider's and passed through. */
export const VOXGATE_AUDIO_PREFIX = 'audio_vg_';

export const newAssistantAudioId = () => `${VOXGATE_AUDIO_PREFIX}${randomBytes(12).toString('hex')}`;
export const newInputAudioId = () => `ain_${randomBytes(12).toString('hex')}`;
export const isVoxgateAudioId = (id: string) => id.startsWith(VOXGATE_AUDIO_PREFIX);
