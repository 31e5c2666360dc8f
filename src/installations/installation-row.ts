import type { InstallationSummary } from './installation.ts';

/** A row of the `installations` table as both backends read it (SQLite flags are 0/1, PostgreSQL's booleans). */
export interface InstallationRow {
  id: string;
  is_enterprise_install: number | boolean;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  app_id: string | null;
  bot_user_id: string | null;
  installed_at: number;
  updated_at: number;
  uninstalled_at: number | null;
  key_id: string | null;
}

/** The plain columns of `installations`, in the order `InstallationRow` names them (never `sealed`). */
export const SUMMARY_COLUMNS =
  'id, is_enterprise_install, team_id, team_name, enterprise_id, enterprise_name, app_id, bot_user_id, installed_at, updated_at, uninstalled_at, key_id';

/** A row as an installation summary: absent fields left out, not undefined. */
export function toSummary(r: InstallationRow): InstallationSummary {
  const s: InstallationSummary = {
    id: r.id,
    isEnterpriseInstall: r.is_enterprise_install === true || r.is_enterprise_install === 1,
    installedAt: new Date(r.installed_at),
    updatedAt: new Date(r.updated_at),
  };
  if (r.team_id !== null) s.teamId = r.team_id;
  if (r.team_name !== null) s.teamName = r.team_name;
  if (r.enterprise_id !== null) s.enterpriseId = r.enterprise_id;
  if (r.enterprise_name !== null) s.enterpriseName = r.enterprise_name;
  if (r.app_id !== null) s.appId = r.app_id;
  if (r.bot_user_id !== null) s.botUserId = r.bot_user_id;
  if (r.uninstalled_at !== null) s.uninstalledAt = new Date(r.uninstalled_at);
  if (r.key_id !== null) s.sealedWith = r.key_id;
  return s;
}
