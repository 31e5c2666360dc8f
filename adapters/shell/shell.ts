import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Adapter } from '../../src/core/adapter.ts';
import { SHELL_CONTEXT } from '../../src/reply/context.ts';
import type { Paperboy } from '../../src/core/paperboy.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { renderText, scheduledPostText } from '../../src/render/text.ts';

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

/** A local console adapter: a readline prompt that runs each line through the core and prints the reply. */
export function createShellAdapter(opts: ShellOptions): Adapter & { done: Promise<void> } {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const color = opts.color ?? (Boolean(output.isTTY) && !process.env['NO_COLOR']);
  const width = () => Math.min(100, output.columns ?? 88);
  let rl: Interface | undefined;
  let closed = false;
  let quitting = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let chain = Promise.resolve();
  /** A line's command is running: what it posts meanwhile (`schedule run`) prints before its reply and the prompt. */
  let busy = false;

  const print = (reply: Reply) => output.write(renderText(reply, { color, width: width() }) + '\n\n');
  // Newest first, as readline keeps it; quit words are not worth remembering.
  const history = readHistory(opts.historyFile);

  return {
    name: 'shell',
    done,
    async start() {
      rl = createInterface({
        input,
        output,
        terminal: Boolean(output.isTTY),
        history: [...history],
        historySize: HISTORY_SIZE,
        removeHistoryDuplicates: true,
        prompt: color ? '\x1b[1mpaperboy›\x1b[22m ' : 'paperboy› ',
      });
      if (opts.banner) output.write(opts.banner + '\n');
      rl.on('line', (line) => {
        chain = chain.then(async () => {
          const text = line.trim();
          if (quitting) return; // lines pasted after `quit` are not run
          if (QUIT_WORDS.has(text.toLowerCase())) {
            quitting = true;
            rl?.close();
            return;
          }
          if (text !== '') {
            const seen = history.indexOf(text);
            if (seen !== -1) history.splice(seen, 1);
            history.unshift(text);
          }
          if (text !== '') {
            busy = true;
            try {
              print(await opts.paperboy.run(text, SHELL_CONTEXT));
            } finally {
              busy = false;
            }
          }
          if (!closed) rl?.prompt();
        });
      });
      rl.on('close', () => {
        void chain.then(() => {
          closed = true;
          writeHistory(opts.historyFile, history);
          resolveDone();
          opts.onExit?.();
        });
      });
      rl.prompt();
    },
    async stop() {
      if (!closed) rl?.close();
      await done;
    },
    async post(_channelId: string, reply: Reply) {
      const text = scheduledPostText(reply, { color, width: width() }) + '\n\n';
      if (busy) {
        // Posted by the running command (`schedule run`): its reply and then the prompt follow.
        output.write(text);
        return;
      }
      // A timer's post while the prompt waits: on a line of its own, then the prompt again.
      output.write('\n' + text);
      if (!closed) rl?.prompt(true);
    },
  };
}
