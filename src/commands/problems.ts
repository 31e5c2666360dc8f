import type { Command } from './command.ts';
import type { CommandProblem } from './parse.ts';
import { MAX_INPUT_LENGTH } from './parse.ts';
import { flagRange, usageLine } from './usage.ts';
import { span, type Block, type Reply } from '../reply/reply.ts';

function errorReply(summary: string, blocks: Block[], command?: Command): Reply {
  const extra: Block[] = command
    ? [{ kind: 'note', text: [span.text('Usage: '), span.code(usageLine(command)), span.text(` · help: `), span.code(`help ${command.name}`)] }]
    : [];
  return { tone: 'error', summary, blocks: [...blocks, ...extra] };
}

/** A short, clear reply for input that could not be parsed. */
export function problemReply(problem: CommandProblem): Reply {
  switch (problem.kind) {
    case 'too-long':
      return errorReply(`That message is too long (${problem.length} characters; the limit is ${MAX_INPUT_LENGTH}).`, [
        {
          kind: 'paragraph',
          text: [
            span.text(`That message is too long: ${problem.length} characters, and commands are limited to ${MAX_INPUT_LENGTH}. `),
            span.text('Try a few keywords instead, e.g. '),
            span.code('search kv cache compression'),
            span.text('.'),
          ],
        },
      ]);
    case 'control-characters':
      return errorReply(`That message contains control characters (${problem.codes.join(', ')}).`, [
        {
          kind: 'paragraph',
          text: [span.text(`That message contains control characters (${problem.codes.join(', ')}). Remove them and try again.`)],
        },
      ]);
    case 'empty':
      return errorReply('Empty command.', [
        { kind: 'paragraph', text: [span.text('Nothing to do. Try '), span.code('help'), span.text(' or '), span.code('search <words>'), span.text('.')] },
      ]);
    case 'unknown-flag': {
      const known = problem.command.flags.map((f) => `--${f.name}`);
      return errorReply(
        `${problem.command.name} has no option ${problem.flag}.`,
        [
          {
            kind: 'paragraph',
            text: [
              span.code(problem.command.name),
              span.text(` has no option `),
              span.code(problem.flag),
              span.text(known.length ? `. It accepts: ${known.join(', ')}.` : '. It takes no options.'),
            ],
          },
        ],
        problem.command,
      );
    }
    case 'bad-flag-value': {
      const got = problem.value === undefined ? 'nothing' : `"${problem.value.slice(0, 40)}"`;
      return errorReply(
        `Bad value for --${problem.spec.name}: ${flagRange(problem.spec)}.`,
        [
          {
            kind: 'paragraph',
            text: [span.text(`Got ${got}, but `), span.code(`--${problem.spec.name}`), span.text(` ${flagRange(problem.spec).replace(/^--\S+ /, '')}.`)],
          },
        ],
        problem.command,
      );
    }
    case 'missing-argument':
      return errorReply(
        `${problem.command.name} needs a ${problem.command.argName ?? 'argument'}.`,
        [
          {
            kind: 'paragraph',
            text: [
              span.code(problem.command.name),
              span.text(` needs a ${problem.command.argName ?? 'argument'}`),
              ...(problem.command.examples[0] ? [span.text(', e.g. '), span.code(problem.command.examples[0])] : []),
              span.text('.'),
            ],
          },
        ],
        problem.command,
      );
    case 'unexpected-argument':
      return errorReply(
        `${problem.command.name} takes no arguments.`,
        [
          {
            kind: 'paragraph',
            text: [span.code(problem.command.name), span.text(' takes no arguments (got '), span.code(problem.text.slice(0, 60)), span.text(').')],
          },
        ],
        problem.command,
      );
  }
}
