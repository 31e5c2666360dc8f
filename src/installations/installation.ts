import { z } from 'zod';

/**
 * One installation of the Slack app in a workspace (or, for an org-wide install, an Enterprise
 * Grid organisation): what Slack's OAuth exchange (`oauth.v2.access`) gave, tokens included.
 *
 * The same shape as Bolt's `Installation` (`@slack/oauth`), written out here so the core never
 * imports an adapter's library: Bolt hands one to the installation store and gets it back as it
 * was. Fields Bolt adds later are kept too (stored and returned untouched).
 */
export interface InstallationRecord {
  /** The workspace; undefined for an org-wide install. */
  team: { id: string; name?: string } | undefined;
  /** The Enterprise Grid organisation, when there is one (always, for an org-wide install). */
  enterprise: { id: string; name?: string } | undefined;
  /** The installing user, and their token when user scopes were granted. */
  user: {
    token: string | undefined;
    refreshToken?: string | undefined;
    expiresAt?: number | undefined;
    scopes: string[] | undefined;
    id: string;
  };
  /** The bot user and its token. */
  bot?: { token: string; refreshToken?: string; expiresAt?: number; scopes: string[]; id: string; userId: string };
  incomingWebhook?: { url: string; channel?: string; channelId?: string; configurationUrl?: string };
  appId?: string | undefined;
  tokenType?: 'bot';
  enterpriseUrl?: string | undefined;
  /** An org-wide install: keyed by the organisation, not a workspace. */
  isEnterpriseInstall?: boolean;
  authVersion?: 'v1' | 'v2';
  metadata?: string;
}

/** Which installation a request is for (Bolt's `InstallationQuery`). */
export interface InstallationQuery {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  /** Looked up by `enterpriseId` (an org-wide install) instead of `teamId`. */
  isEnterpriseInstall: boolean;
  userId?: string;
  conversationId?: string;
}

/** An installation without its secrets: what `listInstallations` shows. */
export interface InstallationSummary {
  /** The store's key: `team:<team id>`, or `enterprise:<enterprise id>` for an org-wide install. */
  id: string;
  isEnterpriseInstall: boolean;
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  appId?: string;
  botUserId?: string;
  /** When the current installation began (a reinstall after an uninstall starts a new one). */
  installedAt: Date;
  /** When it was last saved (a reinstall, a refreshed token). */
  updatedAt: Date;
  /** When it was uninstalled (its tokens are gone); absent while installed. */
  uninstalledAt?: Date;
  /** The id of the key its record is sealed with; absent once uninstalled. */
  sealedWith?: string;
}

const named = z.looseObject({ id: z.string().min(1), name: z.string().optional() });

/** An installation record as stored (sealed) and as handed over: checked, unknown fields kept. */
const installationSchema = z.looseObject({
  team: named.optional(),
  enterprise: named.optional(),
  user: z.looseObject({
    token: z.string().optional(),
    refreshToken: z.string().optional(),
    expiresAt: z.number().optional(),
    scopes: z.array(z.string()).optional(),
    id: z.string(),
  }),
  bot: z
    .looseObject({
      token: z.string().min(1),
      refreshToken: z.string().optional(),
      expiresAt: z.number().optional(),
      scopes: z.array(z.string()),
      id: z.string(),
      userId: z.string(),
    })
    .optional(),
  incomingWebhook: z
    .looseObject({ url: z.string(), channel: z.string().optional(), channelId: z.string().optional(), configurationUrl: z.string().optional() })
    .optional(),
  appId: z.string().optional(),
  tokenType: z.literal('bot').optional(),
  enterpriseUrl: z.string().optional(),
  isEnterpriseInstall: z.boolean().optional(),
  authVersion: z.enum(['v1', 'v2']).optional(),
  metadata: z.string().optional(),
});

/**
 * Check an installation record (from Bolt, or just opened from the store): throws a `ZodError`
 * when it is not one. Unknown fields are kept.
 */
export function parseInstallation(value: unknown): InstallationRecord {
  const parsed = installationSchema.parse(value);
  const { user } = parsed;
  // Bolt's shape names these keys even when their value is undefined.
  return { ...parsed, team: parsed.team, enterprise: parsed.enterprise, user: { ...user, token: user.token, scopes: user.scopes } };
}

/** The store key of the installation a query asks for, or undefined when the query names none. */
export function installationIdFor(query: InstallationQuery): string | undefined {
  if (query.isEnterpriseInstall) return query.enterpriseId ? `enterprise:${query.enterpriseId}` : undefined;
  return query.teamId ? `team:${query.teamId}` : undefined;
}

/** The store key of an installation: its workspace, or its organisation for an org-wide install. Throws when it has neither. */
export function installationId(installation: InstallationRecord): string {
  const id = installationIdFor({
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
  });
  if (id === undefined) {
    throw new TypeError(
      installation.isEnterpriseInstall ? 'an org-wide installation needs enterprise.id' : 'a workspace installation needs team.id (or isEnterpriseInstall)',
    );
  }
  return id;
}

/** The plain (not secret) columns of an installation. */
export interface InstallationColumns {
  id: string;
  isEnterpriseInstall: boolean;
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  appId: string | null;
  botUserId: string | null;
}

/** What is kept in the clear beside the sealed record: ids and names, never a token. */
export function installationColumns(installation: InstallationRecord): InstallationColumns {
  return {
    id: installationId(installation),
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
    teamId: installation.team?.id ?? null,
    teamName: installation.team?.name ?? null,
    enterpriseId: installation.enterprise?.id ?? null,
    enterpriseName: installation.enterprise?.name ?? null,
    appId: installation.appId ?? null,
    botUserId: installation.bot?.userId ?? null,
  };
}
