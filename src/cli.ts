import { answerJson, batchLineJson, batchLines, exitCode, isBlankLine, replyJson, worstExitCode } from './app/cli-output.ts';
import { SHELL_CONTEXT } from './reply/context.ts';
import type { Reply } from './reply/reply.ts';
import { argvToCommandText } from './commands/argv.ts';
import { postText, renderExport, renderText } from './render/text.ts';

const USAGE = `Usage: paperboy <command words> [--json]
       paperboy --batch [--json]      (one command per line on stdin)
       paperboy import FILE --category cs [--json]   (arXiv's bulk snapshot; import --help)
       paperboy reseal-tokens [--json]                (after a key rotation; reseal-tokens --help)
       paperboy --help | --version

Runs one Paperboy command and exits. Exit codes: 0 answered, 1 failed (bad input, a source or
store failure), 2 configuration problem, 3 nothing found (no results, or a paper name that names
no paper or several). With --batch: the worst line's code (1 before 3). Arguments are words;
quotes inside the text make a phrase: paperboy search '"state space" models'. E.g.
  paperboy search kv cache compression --limit 3
  paperboy show snapkv --json
  echo "show snapkv" | paperboy --batch --json
  paperboy saved --bibtex > refs.bib

Output: text, or one JSON document with --json. When stdout is not a terminal, an export
(cite, saved --bibtex) writes only its BibTeX there; its heading and notes go to stderr.

--batch reads one command per line from stdin and answers each as soon as it is read, in order,
in one process (follow-ups such as "show 2" refer to the run's last list). A line ends at LF (a CR
before it is dropped); a last line without LF counts; input is UTF-8 (invalid bytes read as
U+FFFD; control characters get an error answer). With --json: exactly one line of JSON per input
line, each an object whose "input" is the line as read, then the answer's fields ("error" when it
failed; "value" holds an answer that is not an object; "posts" what a schedule run posted); a blank
line gets {"input": "", "blank": true}. N lines in, N lines out. Without --json: each non-blank
line's answer as text, a blank line between two answers.

Commands: search, show, new, trending, similar, code, topics, topic, random, digest, stats,
schedule, ingest, watch, top, save, unsave, saved, cite, help ("paperboy help <command>"
explains one). Environment: PAPERS_PATH, TOPICS_PATH, DATA_DIR, DATABASE_URL, PAPERBOY_CONFIG, HF_API_URL,
ARXIV_API_URL, OAI_URL, LOG_LEVEL (see README). Data is kept in DATA_DIR, by default the platform's data
folder (~/.local/share/paperboy on Linux), the same from every folder; "paperboy stats" shows it.`;

/** Entry point of the one-shot / batch CLI. Returns the process exit code. */
export async function cli(argv: string[]): Promise<number> {
  if (argv[0] === 'import') {
    // A bulk import reads a local file: a command of its own, not one of the chat commands.
    const { importCli } = await import('./app/import-cli.ts');
    const stop = new AbortController();
    // Ctrl-C stops after the batch being stored; running the command again continues from there.
    const onInt = () => {
      process.stderr.write('\npaperboy import: stopping after the current batch (run the same command again to continue)\n');
      stop.abort();
    };
    process.once('SIGINT', onInt);
    try {
      return await importCli(argv.slice(1), { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
    } finally {
      process.off('SIGINT', onInt);
    }
  }
  if (argv[0] === 'reseal-tokens') {
    const { resealCli } = await import('./app/reseal-cli.ts');
    return resealCli(argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
  }
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
  // The CLI talks to no chat platform: Slack and Discord settings are neither needed nor checked;
  // its conversation (`show 2` after a search) is this run's.
  const booted = await bootFromEnv({ quiet: true, platforms: false, sharedConversations: false });
  if (!booted.ok) {
    process.stderr.write(booted.message + '\n');
    return 2;
  }
  const { paperboy, config, logger, library, state } = booted;
  // Data left where an older version kept it: said on every run until it is moved (or DATA_DIR names it).
  if (config.dataHome.note) process.stderr.write(`paperboy: ${config.dataHome.note}\n`);
  const color = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'] && !json;
  const width = Math.min(100, process.stdout.columns ?? 88);
  // stdout is a file or a pipe (`saved --bibtex > refs.bib`): an export writes only its data there.
  const redirected = !process.stdout.isTTY;
  const out = (text: string) => process.stdout.write(text + '\n');
  const text = (reply: Reply): string => {
    const exported = redirected ? renderExport(reply, { color, width }) : undefined;
    if (!exported) return renderText(reply, { color, width });
    if (exported.rest !== '') process.stderr.write(exported.rest + '\n');
    return exported.data;
  };

  // What `schedule run` posts to the shell channel while a command runs. As text: marked as a
  // scheduled post and set apart from the command's own reply, which follows it. With --json: kept,
  // and put under the command's answer (`posts`), so one command is always one JSON document.
  let posts: Reply[] | undefined;
  const postShell = (reply: Reply) => {
    if (!json) process.stdout.write(postText(reply, { kind: 'schedule', color, width }) + '\n\n');
    else if (posts) posts.push(reply);
    else out(JSON.stringify(replyJson(reply)));
  };
  /** Run one command, with what it posted meanwhile. A command that throws is answered as a failure. */
  const run = async (line: string): Promise<{ reply: Reply; posted: Reply[] }> => {
    const posted: Reply[] = [];
    posts = posted;
    try {
      return { reply: await paperboy.run(line, SHELL_CONTEXT), posted };
    } catch (err) {
      logger.error({ err }, 'command failed');
      const why = err instanceof Error ? err.message : String(err);
      return { reply: { tone: 'error', summary: `Paperboy failed on this command: ${why}`, blocks: [] }, posted };
    } finally {
      posts = undefined;
    }
  };

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
      const { reply, posted } = await run(words.length ? argvToCommandText(words, paperboy.commands) : 'help');
      out(json ? JSON.stringify(answerJson(reply, posted)) : text(reply));
      return exitCode(reply);
    }
    return await runBatch();
  } finally {
    await voting.close();
    await closeScheduling();
    await library.close();
    await state.close();
  }

  /** `--batch`: the contract is in USAGE (one JSON line per input line with --json). */
  async function runBatch(): Promise<number> {
    let answered = 0;
    const codes: (0 | 1 | 3)[] = [];
    for await (const line of batchLines(process.stdin)) {
      if (isBlankLine(line)) {
        // Text answers span many lines and cannot line up with the input: a blank line is skipped.
        if (json) out(JSON.stringify(batchLineJson(line, undefined)));
        continue;
      }
      if (!json && answered > 0) process.stdout.write('\n');
      const { reply, posted } = await run(line);
      out(json ? JSON.stringify(batchLineJson(line, reply, posted)) : text(reply));
      answered += 1;
      codes.push(exitCode(reply));
    }
    return worstExitCode(codes);
  }
}

const code = await cli(process.argv.slice(2));
process.exitCode = code;
