import { span, type Block, type Reply } from '../core/reply.ts';
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
      if (!cmd) {
        const [sugg] = closest(word, commands.map((c) => c.name), 2);
        return {
          tone: 'error',
          summary: `No command named “${word}”.${sugg ? ` Did you mean ${sugg}?` : ''}`,
          blocks: [
            { kind: 'paragraph', text: [span.text('No command named '), span.code(word.slice(0, 40)), ...(sugg ? [span.text('. Did you mean '), span.code(sugg), span.text('?')] : [span.text('.')])] },
            { kind: 'actions', actions: [{ id: 'help', label: 'All commands', command: 'help' }, ...(sugg ? [{ id: `help:${sugg}`, label: `help ${sugg}`, command: `help ${sugg}` }] : [])] },
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
          span.text('. More on one command: '),
          span.code('help <command>'),
          span.text('.'),
        ],
      },
    ],
    command: 'help',
  };
}

function detail(cmd: Command): Reply {
  const blocks: Block[] = [
    { kind: 'heading', text: usageLine(cmd) },
    { kind: 'paragraph', text: [span.text(cmd.summary + '.')] },
  ];
  if (cmd.description) blocks.push({ kind: 'paragraph', text: [span.text(cmd.description)] });
  const fields = cmd.flags.map((f) => ({ label: `--${f.name}${f.type === 'int' ? ' N' : f.type === 'string' ? ` ${f.placeholder}` : ''}`, value: [span.text(`${f.help}; ${flagRange(f).replace(/^--\S+ /, '')}`)] }));
  if (cmd.aliases?.length) fields.push({ label: 'Also', value: [span.text(cmd.aliases.join(', '))] });
  if (fields.length) blocks.push({ kind: 'fields', fields });
  if (cmd.examples.length) blocks.push({ kind: 'list', items: cmd.examples.map((e) => [span.code(e)]) });
  return { tone: 'info', summary: `${usageLine(cmd)} — ${cmd.summary}`, blocks, command: `help ${cmd.name}` };
}
