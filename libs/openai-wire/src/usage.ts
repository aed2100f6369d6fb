import { z } from 'zod';
import { absentIfNull } from './upstream-lenient';

const count = absentIfNull(z.int().min(0));

/** `CompletionUsage`, parsed leniently from providers; unknown detail keys are dropped. */
export const UsageSchema = z.object({
  prompt_tokens: z.int().min(0),
  completion_tokens: z.int().min(0),
  total_tokens: z.int().min(0),
  prompt_tokens_details: absentIfNull(
    z.object({
      audio_tokens: count,
      cached_tokens: count,
      text_tokens: count,
      image_tokens: count,
      cache_write_tokens: count,
    }),
  ),
  completion_tokens_details: absentIfNull(
    z.object({
      accepted_prediction_tokens: count,
      audio_tokens: count,
      reasoning_tokens: count,
      text_tokens: count,
      rejected_prediction_tokens: count,
    }),
  ),
});
export type Usage = z.infer<typeof UsageSchema>;
