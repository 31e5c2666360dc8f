/**
 * Gateway payload builders for the fake Discord: the shapes Discord sends for READY, GUILD_CREATE,
 * MESSAGE_CREATE and INTERACTION_CREATE (API v10), trimmed to what a client reads.
 */

const DISCORD_EPOCH = 1420070400000n;
let counter = 0n;

/** A fresh, increasing snowflake id. */
export function snowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | counter).toString();
}

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export function userObject(u: FakeUser): Record<string, unknown> {
  return { id: u.id, username: u.username, discriminator: '0', global_name: null, avatar: null, bot: u.bot ?? false, public_flags: 0 };
}

export interface World {
  bot: FakeUser;
  applicationId: string;
  guildId: string;
  channelId: string;
  /** The bot's managed role in the guild. */
  botRoleId: string;
}

export function readyPayload(world: World, sessionId: string, resumeUrl: string): Record<string, unknown> {
  return {
    v: 10,
    user: { ...userObject(world.bot), verified: true, mfa_enabled: false, flags: 0 },
    guilds: [{ id: world.guildId, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: world.applicationId, flags: 0 },
    private_channels: [],
    relationships: [],
    user_settings: {},
    presences: [],
    guild_join_requests: [],
  };
}

export function guildCreatePayload(world: World): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: world.guildId,
    name: 'Paper Lab',
    icon: null,
    owner_id: '100000000000000001',
    unavailable: false,
    member_count: 2,
    large: false,
    joined_at: now,
    features: [],
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    afk_timeout: 300,
    roles: [
      { id: world.guildId, name: '@everyone', permissions: '1071698660929', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      {
        id: world.botRoleId,
        name: world.bot.username,
        permissions: '274878024704',
        position: 1,
        color: 0,
        hoist: false,
        managed: true,
        mentionable: false,
        flags: 0,
        tags: { bot_id: world.bot.id },
      },
    ],
    emojis: [],
    stickers: [],
    channels: [{ id: world.channelId, type: 0, name: 'papers', position: 0, permission_overwrites: [], parent_id: null, topic: null, nsfw: false }],
    threads: [],
    members: [{ user: userObject(world.bot), roles: [world.botRoleId], joined_at: now, deaf: false, mute: false, flags: 0 }],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface MessageSpec {
  content: string;
  author: FakeUser;
  /** Users mentioned (Discord fills `mentions` from `<@id>` in the content). */
  mentions?: FakeUser[];
  mentionRoles?: string[];
  /** A DM: no guild, the DM channel id. */
  dmChannelId?: string;
  id?: string;
  webhookId?: string;
}

/** A message object with Discord's defaults; `fields` override them. */
export function messageObject(fields: { id: string; channel_id: string; author: Record<string, unknown> } & Record<string, unknown>): Record<string, unknown> {
  return {
    content: '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
    ...fields,
  };
}

export function messageCreatePayload(world: World, m: MessageSpec): Record<string, unknown> {
  const base = messageObject({
    id: m.id ?? snowflake(),
    channel_id: m.dmChannelId ?? world.channelId,
    author: userObject(m.author),
    content: m.content,
    mention_everyone: /@everyone|@here/.test(m.content),
    mentions: (m.mentions ?? []).map(userObject),
    mention_roles: m.mentionRoles ?? [],
  });
  if (m.webhookId) base['webhook_id'] = m.webhookId;
  if (m.dmChannelId) {
    base['channel_type'] = 1;
  } else {
    base['guild_id'] = world.guildId;
    base['channel_type'] = 0;
    base['member'] = { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
  }
  return base;
}

export interface InteractionBase {
  user: FakeUser;
  /** In a DM (no guild). */
  dm?: boolean;
  id?: string;
  token?: string;
}

function interactionEnvelope(world: World, b: InteractionBase, type: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const channel = b.dm ? { id: `9${world.channelId.slice(1)}`, type: 1 } : { id: world.channelId, type: 0, guild_id: world.guildId, name: 'papers' };
  const envelope: Record<string, unknown> = {
    id: b.id ?? snowflake(),
    application_id: world.applicationId,
    type,
    token: b.token ?? `tok-${snowflake()}-secret`,
    version: 1,
    channel,
    channel_id: channel.id,
    app_permissions: '274878024704',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': world.guildId },
    context: b.dm ? 1 : 0,
    attachment_size_limit: 10485760,
    data,
    ...extra,
  };
  if (b.dm) {
    envelope['user'] = userObject(b.user);
  } else {
    envelope['guild_id'] = world.guildId;
    envelope['guild_locale'] = 'en-US';
    envelope['member'] = {
      user: userObject(b.user),
      roles: [],
      joined_at: new Date().toISOString(),
      permissions: '1071698660929',
      deaf: false,
      mute: false,
      flags: 0,
    };
  }
  return envelope;
}

export type OptionValue = string | number | boolean;

function leafOptions(values: Record<string, OptionValue>, focused?: string) {
  return Object.entries(values).map(([name, value]) => ({
    name,
    type: typeof value === 'string' ? 3 : typeof value === 'number' ? 4 : 5,
    value,
    ...(name === focused ? { focused: true } : {}),
  }));
}

/** `/papers <sub> name:value ...` (type 2, APPLICATION_COMMAND). */
export function slashPayload(world: World, b: InteractionBase, sub: string, values: Record<string, OptionValue> = {}, commandName = 'papers') {
  return interactionEnvelope(world, b, 2, {
    id: '200000000000000002',
    name: commandName,
    type: 1,
    options: [{ name: sub, type: 1, options: leafOptions(values) }],
  });
}

/** Autocomplete request (type 4) with `focused` the option being typed. */
export function autocompletePayload(world: World, b: InteractionBase, sub: string, values: Record<string, OptionValue>, focused: string) {
  return interactionEnvelope(world, b, 4, {
    id: '200000000000000002',
    name: 'papers',
    type: 1,
    options: [{ name: sub, type: 1, options: leafOptions(values, focused) }],
  });
}

/** A button click (type 3, MESSAGE_COMPONENT) on a message the bot sent. */
export function buttonPayload(world: World, b: InteractionBase, customId: string, messageId: string = snowflake()) {
  return interactionEnvelope(
    world,
    b,
    3,
    { custom_id: customId, component_type: 2 },
    { message: messageObject({ id: messageId, channel_id: world.channelId, author: userObject(world.bot) }) },
  );
}

export interface ReactionSpec {
  user: FakeUser;
  messageId: string;
  /** A unicode emoji (`👍`), or a custom emoji's name with `customId`. */
  emoji: string;
  customId?: string;
  /** In a DM: the DM channel id (no guild, no member). */
  dmChannelId?: string;
  /** The message's author (Discord sends it on adds). */
  messageAuthorId?: string;
}

/**
 * MESSAGE_REACTION_ADD (`added`) or MESSAGE_REACTION_REMOVE: a guild add carries the member;
 * removes carry only ids.
 */
export function reactionPayload(world: World, r: ReactionSpec, added: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = {
    user_id: r.user.id,
    channel_id: r.dmChannelId ?? world.channelId,
    message_id: r.messageId,
    emoji: { id: r.customId ?? null, name: r.emoji },
    burst: false,
    type: 0,
  };
  if (!r.dmChannelId) {
    d['guild_id'] = world.guildId;
    if (added) d['member'] = { user: userObject(r.user), roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
  }
  if (added) {
    d['burst_colors'] = [];
    if (r.messageAuthorId) d['message_author_id'] = r.messageAuthorId;
  }
  return d;
}
