import type { Command } from './command.ts';

function quote(value: string): string {
  return /["\u201C\u201D]/.test(value) ? value : `"${value}"`;
}

/**
 * Command-line arguments as command text. Arguments are words: one quoted argument
 * (`paperboy search "$Q"`) is the same as its words typed one by one, and only quotes inside the
 * text make a phrase (`paperboy search '"state space" models'`). The value of a flag that takes
 * one keeps its spaces (`--author "Tri Dao"`), as the command's flag specs say.
 */
export function argvToCommandText(argv: readonly string[], commands: readonly Command[]): string {
  const first = argv[0]?.toLowerCase().replace(/^\//, '');
  const command = commands.find((c) => c.name === first || (c.aliases ?? []).includes(first ?? '')) ?? commands.find((c) => c.name === 'search');
  const takesValue = (arg: string): boolean => {
    const m = /^--([a-z][\w-]*)$/i.exec(arg);
    const spec = m ? command?.flags.find((f) => f.name === m[1]!.toLowerCase()) : undefined;
    return spec !== undefined && spec.type !== 'boolean';
  };
  return argv.map((arg, i) => (i > 0 && /\s/.test(arg) && takesValue(argv[i - 1]!) ? quote(arg) : arg)).join(' ');
}
