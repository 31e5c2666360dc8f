import type { Logger } from 'pino';
import type { Library } from '../library/library.ts';
import type { RequestContext } from '../reply/context.ts';
import type { Paper } from '../papers/paper.ts';
import type { Reply } from '../reply/reply.ts';
import type { SearchEngine } from '../search/types.ts';
import type { Topic } from '../library/topics.ts';

/** A `--flag` a command accepts. Values are validated by the command parser before `run` is called. */
export type FlagSpec =
  | { name: string; type: 'boolean'; help: string }
  | { name: string; type: 'int'; help: string; min: number; max: number; default?: number }
  | { name: string; type: 'string'; help: string; placeholder: string };

export type FlagValue = boolean | number | string;

/** Command words after parsing: positional words (quotes honoured) and validated flags. */
export interface CommandInput {
  /** The command name as registered (aliases resolved). */
  name: string;
  /** Positional arguments, quotes removed (`"state space" models` -> [`state space`, `models`]). */
  args: string[];
  /** The positional arguments joined back into one string (quoted phrases keep their quotes). */
  rest: string;
  flags: Record<string, FlagValue>;
}

/**
 * What every command may use. Extensions (the scheduler, ingest) add their own through closures.
 * `engine` and `papers` are one snapshot of the library, fixed for the whole request.
 */
export interface CommandDeps {
  /** The paper library: the current snapshot, the store, refresh after an ingest. */
  library: Library;
  readonly engine: SearchEngine;
  readonly papers: readonly Paper[];
  topics: readonly Topic[];
  logger: Logger;
  /** Injected clock (tests). */
  now: () => Date;
  /** Injected randomness in [0, 1) (tests). */
  random: () => number;
  /** Where the state is (the database file, or the database URL without its password), for `stats` in the shell. */
  dataLocation?: string;
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line for the help table. */
  summary: string;
  /** Usage after the command word, e.g. `<query> [--limit N] [--page N] [--code]`. */
  usage: string;
  /** Longer description shown by `help <command>`. */
  description?: string;
  examples: string[];
  /** `required`: the command refuses to run without positional text. */
  args: 'none' | 'optional' | 'required';
  /** With `args: 'required'`: flags that may stand in for the argument (`search --author NAME`). */
  argOptionalWith?: string[];
  /** Name of the positional argument in messages (`query`, `paper`). */
  argName?: string;
  /** The positional argument names one paper: a bare number means that result of the last list (`show 2`). */
  takesPaper?: boolean;
  /**
   * The reply concerns only the person who asked (their reading list): chat adapters answer them
   * privately even where replies are public by default (Discord's `/papers`).
   */
  personal?: boolean;
  flags: FlagSpec[];
  run(input: CommandInput, deps: CommandDeps, ctx: RequestContext): Reply | Promise<Reply>;
}
