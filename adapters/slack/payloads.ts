import { z } from 'zod';

/**
 * The parts of Slack payloads Paperboy uses, validated. Slack sends more; unknown keys pass.
 */

const id = z.string().min(1).max(64);

export const SlashCommandSchema = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: id,
  channel_id: id,
  team_id: id.optional(),
  response_url: z.string().url(),
});
export type SlashCommand = z.infer<typeof SlashCommandSchema>;

export const MentionEventSchema = z.object({
  type: z.literal('app_mention'),
  text: z.string().default(''),
  user: id.optional(),
  bot_id: z.string().optional(),
  channel: id,
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  team: z.string().optional(),
});

export const DirectMessageSchema = z.object({
  type: z.literal('message'),
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(''),
  user: id.optional(),
  bot_id: z.string().optional(),
  channel: id,
  ts: z.string().min(1),
  team: z.string().optional(),
});

export const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id }),
  team: z.object({ id }).nullable().optional(),
  channel: z.object({ id }).optional(),
  response_url: z.string().url().optional(),
  container: z
    .object({
      type: z.string(),
      message_ts: z.string().optional(),
      channel_id: z.string().optional(),
      thread_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  message: z
    .object({
      ts: z.string().optional(),
      thread_ts: z.string().optional(),
      blocks: z.array(z.unknown()).optional(),
    })
    .optional(),
  actions: z
    .array(
      z.object({
        type: z.string(),
        action_id: z.string(),
        value: z.string().optional(),
      }),
    )
    .min(1),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;
