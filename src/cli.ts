import { createInterface } from 'node:readline';
import { exitCode, replyJson, worstExitCode } from './app/cli-output.ts';
import { SHELL_CONTEXT } from './reply/context.ts';
import { argvToCommandText } from './commands/argv.ts';
import { renderText, scheduledPostText } from './render/text.ts';

const USAGE = `Usage: paperboy <command words> [--json]
       paperboy --batch [--json]      (one command per line on stdin; blank lines are skipped)
       paperboy --help | --version

Runs one Paperboy command and exits. Exit codes: 0 answered, 1 failed (bad input, a source or
store failure), 2 configuration problem, 3 nothing found (no results, or a paper name that names
no paper or several). With --batch: the worst line's code (1 before 3). Arguments are words;
quotes inside the text make a phrase: paperboy search '"state space" models'. E.g.
  paperboy search kv cache compression --limit 3
  paperboy show snapkv --json
  echo "show snapkv" | paperboy --batch --json

Commands: search, show, new, trending, similar, code, topics, topic, random, digest, stats,
schedule, ingest, watch, top, save, unsave, saved, cite, help ("paperboy help <command>"
explains one). Environment: PAPERS_PATH, TOPICS_PATH, DATA_DIR, DATABASE_URL, PAPERBOY_CONFIG, HF_API_URL,
ARXIV_API_URL, LOG_LEVEL (see README).`;

/** Entry point of the one-shot / batch CLI. Returns the process exit code. */
export async function cli(argv: string[]): Promise<number> {
  const words = [...argv];
  const take = (flag: string) => {
    const i = words.indexOf(flag);
    if (i === -1) return false;
    words.splice(i, 1);
    return true;
  };
  const json = take('--json');
  const batch = take('--batch');
  if (take('--help') || (words.length === 1 && words[0] === '-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (take('--version')) {
    const { readFile } = await import('node:fs/promises');
    const { packagePath } = await import('./files/package-root.ts');
    const pkg = JSON.parse(await readFile(packagePath('package.json'), 'utf8')) as { version: string };
    process.stdout.write(`paperboy ${pkg.version}\n`);
    return 0;
  }
  if (batch && words.length > 0) {
    process.stderr.write(`paperboy: --batch reads commands from stdin; unexpected words: ${words.join(' ')}\n`);
    return 2;
  }

  const { bootFromEnv } = await import('./app/boot-env.ts');
  const { startupProblem } = await import('./app/startup-problem.ts');
  // The CLI talks to no chat platform: Slack and Discord settings are neither needed nor checked.
  const booted = await bootFromEnv({ quiet: true, platforms: false });
  if (!booted.ok) {
    process.stderr.write(booted.message + '\n');
    return 2;
  }
  const { paperboy, config, logger, library, state } = booted;
  const color = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'] && !json;
  const width = Math.min(100, process.stdout.columns ?? 88);
  const emit = (reply: Awaited<ReturnType<typeof paperboy.run>>) =>
    process.stdout.write((json ? JSON.stringify(replyJson(reply)) : renderText(reply, { color, width })) + '\n');

  // What `schedule run` posts to the shell channel: marked as a post and set apart from the
  // command's own reply, which follows it (a JSON line each with --json, as before).
  const postShell = (reply: Awaited<ReturnType<typeof paperboy.run>>) =>
    json ? emit(reply) : process.stdout.write(scheduledPostText(reply, { color, width }) + '\n\n');

  // `schedule …` manages the shell channel's schedules in DATA_DIR/state.db (no timers run here);
  // `ingest …` fetches papers into the store. Set up only when they may be needed: the one-shot
  // path stays light.
  let closeScheduling = async () => {};
  const first = words[0]?.toLowerCase();
  // `help` (and no command at all) lists and explains these too.
  if (batch || first === undefined || first === 'help' || first === 'schedule' || first === 'ingest' || first === 'watch' || first === 'watches') {
    const { startScheduling } = await import('./schedule/index.ts');
    const { loadScheduleConfig } = await import('./app/config-file.ts');
    try {
      const settings = await loadScheduleConfig(config.scheduleConfigPath, { topics: paperboy.deps.topics, now: new Date() });
      const scheduling = await startScheduling({
        store: state.schedules,
        settings,
        paperboy,
        posters: { shell: async (_c, reply) => void postShell(reply) },
        logger,
        start: false,
      });
      const { startIngest } = await import('./ingest/index.ts');
      const ingesting = startIngest({ config, paperboy, library, settings, logger, jobs: false });
      // `watch …` manages the shell channel's watches; alerts are sent by a running bot, not from here.
      const { startWatching } = await import('./watch/index.ts');
      const watching = startWatching({ store: state.watches, paperboy, library, admins: settings.admins, posters: {}, logger, notify: false });
      closeScheduling = async () => {
        await ingesting.close();
        await watching.close();
        await scheduling.close();
      };
    } catch (err) {
      const problem = startupProblem(err, config.dataDir);
      if (problem === undefined) throw err;
      process.stderr.write(`paperboy: ${problem}\n`);
      return 2;
    }
  }
  // `top` reads the channel's votes (the shell channel has none: votes are chat reactions); `save`,
  // `unsave`, `saved`, `cite`: the local user's reading list. Both are stores of the open state.
  const { startVotes } = await import('./votes/index.ts');
  const voting = startVotes({ store: state.votes, config, paperboy, logger });
  const { startReading } = await import('./reading/index.ts');
  startReading({ store: state.reading, paperboy, logger });
  try {
    if (!batch) {
      const reply = await paperboy.run(words.length ? argvToCommandText(words, paperboy.commands) : 'help', SHELL_CONTEXT);
      emit(reply);
      return exitCode(reply);
    }
    return await runBatch();
  } finally {
    await voting.close();
    await closeScheduling();
    await library.close();
    await state.close();
  }

  async function runBatch(): Promise<number> {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let first = true;
    const codes: (0 | 1 | 3)[] = [];
    for await (const line of rl) {
      if (line.trim() === '') continue;
      if (!json && !first) process.stdout.write('\n');
      first = false;
      const reply = await paperboy.run(line, SHELL_CONTEXT);
      emit(reply);
      codes.push(exitCode(reply));
    }
    return worstExitCode(codes);
  }
}

const code = await cli(process.argv.slice(2));
process.exitCode = code;
