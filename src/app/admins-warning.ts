import type { Admins, Platform } from '../reply/context.ts';

const GUIDE: Record<Exclude<Platform, 'shell'>, string> = { slack: 'docs/slack.md', discord: 'docs/discord.md' };

/**
 * What start-up says for each chat platform that runs with no `admins` list in the config file:
 * there, anyone may add and remove schedules and watches (ingest from chat needs the list). One line per platform;
 * empty when every running platform has its list.
 */
export function missingAdminsWarnings(running: readonly Exclude<Platform, 'shell'>[], admins: Admins, configFile: string | undefined): string[] {
  return running
    .filter((p) => !admins[p])
    .map(
      (p) =>
        `No ${p} admins are set${configFile ? ` in ${configFile}` : ' (no PAPERBOY_CONFIG file)'}: anyone in ${p} may add or remove ` +
        `schedules and watches (and nobody may start an ingest from chat). List the user ids allowed to under "admins" (see ${GUIDE[p]}).`,
    );
}
