import type { Command } from './command.ts';
import { codeCommand } from './code.ts';
import { digestCommand } from './digest.ts';
import { newCommand, trendingCommand } from './fresh.ts';
import { randomCommand } from './random.ts';
import { searchCommand } from './search.ts';
import { showCommand } from './show.ts';
import { similarCommand } from './similar.ts';
import { statsCommand } from './stats.ts';
import { topicCommand, topicsCommand } from './topics.ts';

/** The core commands in help order (`help` itself is added by the Paperboy factory). */
export const CORE_COMMANDS: readonly Command[] = [
  searchCommand,
  showCommand,
  newCommand,
  trendingCommand,
  similarCommand,
  codeCommand,
  topicsCommand,
  topicCommand,
  randomCommand,
  digestCommand,
  statsCommand,
];
