import { span, type Block, type Reply } from '../reply/reply.ts';
import { closest } from '../text/distance.ts';
import type { Command } from './command.ts';
import { findCommand } from './parse.ts';
import { flagRange, usageLine } from './usage.ts';

/** `help [command]`, generated from the registry so a new command documents itself. */
export function helpCommand(registry: () => readonly Command[]): Command {
  return {
    name: 'help',
    aliases: ['?', 'h'],
    summary: 'List commands, or explain one',
    usage: '[command]',
    examples: ['help', 'help search'],
    args: 'optional',
    argName: 'command',
    flags: [],
    run(input): Reply {
      const commands = registry();
      const word = input.args[0];
      if (!word) return overview(commands);
      const cmd = findCommand(word.replace(/^\//, ''), commands);
      if (!cmd && FOLLOW_UP_WORDS.has(word.toLowerCase())) return followUps();
      if (!cmd) {
        const [sugg] = closest(
          word,
          commands.map((c) => c.name),
          2,
        );
        return {
          tone: 'error',
          summary: `No command named “${word}”.${sugg ? ` Did you mean ${sugg}?` : ''}`,
          blocks: [
            {
              kind: 'paragraph',
              text: [
                span.text('No command named '),
                span.code(word.slice(0, 40)),
                ...(sugg ? [span.text('. Did you mean '), span.code(sugg), span.text('?')] : [span.text('.')]),
              ],
            },
            {
              kind: 'actions',
              actions: [
                { id: 'help', label: 'All commands', command: 'help' },
                ...(sugg ? [{ id: `help:${sugg}`, label: `help ${sugg}`, command: `help ${sugg}` }] : []),
              ],
            },
          ],
        };
      }
      return detail(cmd);
    },
  };
}

function overview(commands: readonly Command[]): Reply {
  return {
    tone: 'info',
    summary: `Paperboy commands: ${commands.map((c) => c.name).join(', ')}`,
    blocks: [
      { kind: 'heading', text: 'Paperboy commands' },
      { kind: 'list', items: commands.map((c) => [span.code(usageLine(c)), span.text(` — ${c.summary}`)]) },
      {
        kind: 'note',
        text: [
          span.text('Text without a command word is a search: '),
          span.code('kv cache compression'),
          span.text(', and so is a question: '),
          span.code('anything on speculative decoding?'),
          span.text('. More on one command: '),
          span.code('help <command>'),
          span.text('.'),
        ],
      },
      FOLLOW_UP_NOTE,
    ],
    command: 'help',
  };
}

/** Words that continue the conversation rather than name a command. */
const FOLLOW_UP_WORDS = new Set(['more', 'next', 'back', 'prev', 'previous', 'follow-ups', 'followups']);

const FOLLOW_UP_NOTE: Block = {
  kind: 'note',
  text: [
    span.text('After a list: '),
    span.code('show 2'),
    span.text(', '),
    span.code('similar 3'),
    span.text(', '),
    span.code('save 1'),
    span.text(' take the numbers printed; '),
    span.code('more'),
    span.text(' / '),
    span.code('back'),
    span.text(' page through it. More: '),
    span.code('help more'),
    span.text('.'),
  ],
};

function followUps(): Reply {
  return {
    tone: 'info',
    summary: 'Follow-ups: numbers refer to the last list here; more / next and back / prev page through it.',
    blocks: [
      { kind: 'heading', text: 'Follow-ups' },
      {
        kind: 'list',
        items: [
          [span.code('more'), span.text(' or '), span.code('next'), span.text(' — the next page of the last list shown here')],
          [span.code('back'), span.text(' or '), span.code('prev'), span.text(' — the page before')],
          [
            span.code('show 2'),
            span.text(', '),
            span.code('similar 3'),
            span.text(', '),
            span.code('save 1'),
            span.text(', '),
            span.code('cite 4'),
            span.text(' — that result of the last list, by the number printed beside it (page 2 shows 6–10)'),
          ],
          [
            span.code('the second one'),
            span.text(', '),
            span.code('what about the third?'),
            span.text(', a bare '),
            span.code('2'),
            span.text(' — the same, in words'),
          ],
          [
            span.code('similar'),
            span.text(', '),
            span.code('cite'),
            span.text(', '),
            span.code('save it'),
            span.text(' with no paper — the paper of the last reply, or of the post you reply under in a thread'),
          ],
        ],
      },
      {
        kind: 'paragraph',
        text: [
          span.text(
            '“Here” is this conversation: you in this channel or DM (a thread is its own), or this terminal session. Lists are forgotten after an hour idle.',
          ),
        ],
      },
    ],
    command: 'help more',
  };
}

function detail(cmd: Command): Reply {
  const blocks: Block[] = [
    { kind: 'heading', text: usageLine(cmd) },
    { kind: 'paragraph', text: [span.text(cmd.summary + '.')] },
  ];
  if (cmd.description) blocks.push({ kind: 'paragraph', text: [span.text(cmd.description)] });
  const fields = cmd.flags.map((f) => ({
    label: `--${f.name}${f.type === 'int' ? ' N' : f.type === 'string' ? ` ${f.placeholder}` : ''}`,
    value: [span.text(`${f.help}; ${flagRange(f).replace(/^--\S+ /, '')}`)],
  }));
  if (cmd.aliases?.length) fields.push({ label: 'Also', value: [span.text(cmd.aliases.join(', '))] });
  if (fields.length) blocks.push({ kind: 'fields', fields });
  if (cmd.examples.length) blocks.push({ kind: 'list', items: cmd.examples.map((e) => [span.code(e)]) });
  return { tone: 'info', summary: `${usageLine(cmd)} — ${cmd.summary}`, blocks, command: `help ${cmd.name}` };
}
