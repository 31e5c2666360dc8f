import { span, type Reply } from '../reply/reply.ts';
import type { Command, FlagSpec } from './command.ts';

/** `search <query> [--limit N] [--page N] [--code]` */
export function usageLine(command: Command): string {
  return command.usage ? `${command.name} ${command.usage}` : command.name;
}

/** `--limit N (1-10)` style description of what a flag accepts. */
export function flagRange(spec: FlagSpec): string {
  switch (spec.type) {
    case 'boolean':
      return `--${spec.name} takes no value`;
    case 'int':
      return `--${spec.name} takes a whole number from ${spec.min} to ${spec.max}`;
    case 'string':
      return `--${spec.name} takes a value (${spec.placeholder})`;
  }
}

/** Input the command could not use: the problem, then the usage line. */
export function usageProblem(message: string, usage: string): Reply {
  return {
    tone: 'error',
    summary: message,
    blocks: [
      { kind: 'paragraph', text: [span.text(message)] },
      { kind: 'note', text: [span.text('Usage: '), span.code(usage)] },
    ],
  };
}
