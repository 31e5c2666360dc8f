import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Adapter } from '../../src/core/adapter.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Poster, PostTarget } from '../../src/posting/poster.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { postText, renderText, type PostKind } from '../../src/render/text.ts';
import { stripLeadingMention } from './mention.ts';

export interface ShellOptions {
  paperboy: Paperboy;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Colour output; default: when output is a TTY and NO_COLOR is unset. */
  color?: boolean;
  /** Called when the user quits (quit/exit/Ctrl-D). */
  onExit?: () => void;
  /** A line printed before the first prompt. */
  banner?: string;
  /** Where to keep command history between sessions (newest first, at most 500 lines). */
  historyFile?: string;
}

const HISTORY_SIZE = 500;

/** Read saved history (newest first); a missing or unreadable file is an empty history. */
function readHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Save history; failing to save it is not worth interrupting anyone for. */
function writeHistory(file: string | undefined, lines: readonly string[]): void {
  if (!file) return;
  try {
    // What you typed is yours alone: the history is private, like the rest of DATA_DIR.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, lines.slice(0, HISTORY_SIZE).join('\n') + '\n', { mode: 0o600 });
  } catch {
    // read-only home or data dir: history just isn't kept
  }
}

const QUIT_WORDS = new Set(['quit', 'exit', 'bye', 'q', ':q', ':wq', '/quit', '/exit', '/q', 'quit()', 'exit()', '.exit']);

/** The shell adapter: `post` marks a post `── post ──`; `poster(kind)` posts marked with what they are. */
export interface ShellAdapter extends Adapter {
  /** Resolves once the shell has closed (quit, Ctrl-D, Ctrl-C on an empty line) and saved its history. */
  done: Promise<void>;
  post(target: PostTarget, reply: Reply): Promise<void>;
  /** A poster whose posts are marked as `kind` (`── watch alert ──`, `── scheduled post ──`). */
  poster(kind: PostKind): Poster;
}

/**
 * A local console adapter: a readline prompt that runs each line through the core and prints the
 * reply. A leading `@Paperboy` (or a pasted chat mention) is dropped, as the chat adapters do. On a
 * terminal, Ctrl-C clears a half-typed line, and on an empty line quits, as Ctrl-D does; the
 * terminal's own prompt then starts on a fresh line.
 */
export function createShellAdapter(opts: ShellOptions): ShellAdapter {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const color = opts.color ?? (Boolean(output.isTTY) && !process.env['NO_COLOR']);
  const width = () => Math.min(100, output.columns ?? 88);
  const terminal = Boolean(output.isTTY);
  let rl: Interface | undefined;
  /** readline has closed: nothing more is read, and no prompt may be shown. */
  let rlClosed = false;
  let closed = false;
  let quitting = false;
  /** The cursor sits just after a prompt (nothing typed after it was echoed with a newline). */
  let atPrompt = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let chain = Promise.resolve();
  /** A line's command is running: what it posts meanwhile (`schedule run`) prints before its reply and the prompt. */
  let busy = false;

  const write = (text: string) => {
    output.write(text);
    atPrompt = false;
  };
  const prompt = (preserveCursor?: boolean) => {
    if (rlClosed || !rl) return;
    rl.prompt(preserveCursor);
    atPrompt = true;
  };
  const print = (reply: Reply) => write(renderText(reply, { color, width: width() }) + '\n\n');
  // Newest first, as readline keeps it; quit words are not worth remembering.
  const history = readHistory(opts.historyFile);

  const post = async (reply: Reply, kind: PostKind | undefined) => {
    const text = postText(reply, { color, width: width(), ...(kind ? { kind } : {}) }) + '\n\n';
    if (busy) {
      // Posted by the running command (`schedule run`): its reply and then the prompt follow.
      write(text);
      return;
    }
    // A timer's post while the prompt waits: on a line of its own, then the prompt again.
    write('\n' + text);
    if (!closed) prompt(true);
  };

  return {
    name: 'shell',
    done,
    async start() {
      rl = createInterface({
        input,
        output,
        terminal,
        history: [...history],
        historySize: HISTORY_SIZE,
        removeHistoryDuplicates: true,
        prompt: color ? '\x1b[1mpaperboy›\x1b[22m ' : 'paperboy› ',
      });
      if (opts.banner) write(opts.banner + '\n');
      rl.on('line', (line) => {
        // On a terminal, Enter moved to a new line; elsewhere the input is not echoed.
        if (terminal) atPrompt = false;
        chain = chain.then(async () => {
          const typed = line.trim();
          if (quitting) return; // lines pasted after `quit` are not run
          // `@Paperboy show snapkv`, as typed in a chat, is `show snapkv`; a bare mention asks for help.
          const stripped = stripLeadingMention(typed);
          const text = typed !== '' && stripped === '' ? 'help' : stripped;
          if (QUIT_WORDS.has(text.toLowerCase())) {
            quitting = true;
            rl?.close();
            return;
          }
          if (typed !== '') {
            const seen = history.indexOf(typed);
            if (seen !== -1) history.splice(seen, 1);
            history.unshift(typed);
          }
          if (text !== '') {
            busy = true;
            try {
              print(await opts.paperboy.run(text, SHELL_CONTEXT));
            } finally {
              busy = false;
            }
          }
          if (!closed) prompt();
        });
      });
      // Ctrl-C (a terminal only; elsewhere it is the process's SIGINT): a half-typed line is
      // cleared and the prompt stays; on an empty line the shell quits, as Ctrl-D does.
      rl.on('SIGINT', () => {
        if (rl && rl.line !== '') {
          rl.write(null, { ctrl: true, name: 'e' });
          rl.write(null, { ctrl: true, name: 'u' });
          return;
        }
        rl?.close();
      });
      rl.on('close', () => {
        rlClosed = true;
        void chain.then(() => {
          closed = true;
          // Closed at the prompt (Ctrl-D, Ctrl-C, end of piped input): end the line, so nothing of
          // ours is left where the terminal's own prompt comes next.
          if (atPrompt) write('\n');
          writeHistory(opts.historyFile, history);
          resolveDone();
          opts.onExit?.();
        });
      });
      prompt();
    },
    async stop() {
      if (!rlClosed) rl?.close();
      await done;
    },
    post: (_target, reply) => post(reply, undefined),
    poster: (kind) => (_target, reply) => post(reply, kind),
  };
}
