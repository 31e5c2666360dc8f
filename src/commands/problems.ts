import type { Command, FlagSpec } from './command.ts';
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

/** `--limit N`, `--code`, `--author NAME`: an option as the usage line writes it. */
function flagName(f: FlagSpec): string {
  return `--${f.name}${f.type === 'int' ? ' N' : f.type === 'string' ? ` ${f.placeholder}` : ''}`;
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
      const known = problem.command.flags.map(flagName);
      const meant = problem.suggestion ? ` Did you mean ${problem.suggestion}?` : '';
      if (problem.implicit) {
        // No command word: the text ran as a search, which the user did not ask for by name.
        return errorReply(`Unknown option ${problem.flag}.${meant} Options follow a command: search <words> --limit 3; help lists the commands.`, [
          {
            kind: 'paragraph',
            text: [
              span.text('Unknown option '),
              span.code(problem.flag),
              span.text('.'),
              ...(problem.suggestion ? [span.text(' Did you mean '), span.code(problem.suggestion), span.text('?')] : []),
              span.text(' Options follow a command word, e.g. '),
              span.code('search kv cache --limit 3'),
              span.text(' (text without a command word is a search, which takes '),
              span.text(`${known.join(', ')}).`),
            ],
          },
          { kind: 'note', text: [span.code('help'), span.text(' lists the commands; '), span.code('help <command>'), span.text(' explains one.')] },
        ]);
      }
      return errorReply(
        `${problem.command.name} has no option ${problem.flag}.${meant}${known.length ? ` Its options: ${known.join(', ')}.` : ' It takes no options.'}`,
        [
          {
            kind: 'paragraph',
            text: [
              span.code(problem.command.name),
              span.text(` has no option `),
              span.code(problem.flag),
              span.text('.'),
              ...(problem.suggestion ? [span.text(' Did you mean '), span.code(problem.suggestion), span.text('?')] : []),
              span.text(known.length ? ` Its options: ${known.join(', ')}.` : ' It takes no options.'),
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
