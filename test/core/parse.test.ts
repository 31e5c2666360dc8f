import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/commands/command.ts';
import { CORE_COMMANDS } from '../../src/commands/index.ts';
import { cleanInput, MAX_INPUT_LENGTH, parseCommand } from '../../src/commands/parse.ts';

const commands: readonly Command[] = CORE_COMMANDS;

function ok(text: string) {
  const r = parseCommand(text, commands);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.problem.kind)}`);
  return r;
}
function problem(text: string) {
  const r = parseCommand(text, commands);
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
}

describe('cleanInput', () => {
  it('strips a leading /papers or papers', () => {
    expect(cleanInput('/papers search x')).toEqual({ ok: true, text: 'search x' });
    expect(cleanInput('papers search x')).toEqual({ ok: true, text: 'search x' });
    // "papers about X" is a request, not the bot's name.
    expect(cleanInput('papers about kv cache')).toEqual({ ok: true, text: 'papers about kv cache' });
    expect(cleanInput('Papers on LoRA with code')).toEqual({ ok: true, text: 'Papers on LoRA with code' });
    expect(cleanInput('/papers papers about x')).toEqual({ ok: true, text: 'papers about x' });
    expect(cleanInput('papers   show snapkv')).toEqual({ ok: true, text: 'show snapkv' });
    expect(cleanInput('/papers')).toEqual({ ok: true, text: '' });
  });
  it('does not strip a word that merely starts with papers', () => {
    expect(cleanInput('paperswithcode')).toEqual({ ok: true, text: 'paperswithcode' });
  });
  it('collapses whitespace, tabs and newlines', () => {
    expect(cleanInput('search\tkv\n cache')).toEqual({ ok: true, text: 'search kv cache' });
  });
  it('refuses control characters, naming them', () => {
    const r = cleanInput('search \u0007kv\u001b[31m');
    expect(r.ok).toBe(false);
    if (!r.ok && r.problem.kind === 'control-characters') expect(r.problem.codes).toEqual(['U+0007', 'U+001B']);
  });
  it(`refuses more than ${MAX_INPUT_LENGTH} characters`, () => {
    const r = cleanInput('a '.repeat(400));
    expect(r).toMatchObject({ ok: false, problem: { kind: 'too-long' } });
    expect(cleanInput('a'.repeat(MAX_INPUT_LENGTH)).ok).toBe(true);
  });
});

describe('parseCommand', () => {
  it('finds commands and aliases case-insensitively', () => {
    expect(ok('SEARCH kv').command.name).toBe('search');
    expect(ok('find kv').command.name).toBe('search');
    expect(ok('related snapkv').command.name).toBe('similar');
  });
  it('treats free text as a search', () => {
    const r = ok('kv cache compression');
    expect(r.command.name).toBe('search');
    expect(r.implicit).toBe(true);
    expect(r.input.rest).toBe('kv cache compression');
  });
  it('treats a quoted first word as text, not a command', () => {
    const r = ok('"show" business');
    expect(r.command.name).toBe('search');
    expect(r.input.args).toEqual(['show', 'business']);
  });
  it('parses flags in either form and fills defaults', () => {
    const r = ok('search kv --limit 3 --page=2 --code');
    expect(r.input.flags).toEqual({ limit: 3, page: 2, code: true });
    expect(r.input.args).toEqual(['kv']);
    expect(ok('search kv').input.flags).toEqual({ limit: 5, page: 1 });
  });
  it('keeps quoted phrases in rest', () => {
    expect(ok('search "state space" models').input.rest).toBe('"state space" models');
  });
  it('rejects --limit out of range or not a number, with the range', () => {
    for (const bad of ['--limit 0', '--limit abc', '--limit -1', '--limit 11', '--limit 1.5', '--limit', '--limit=']) {
      const p = problem(`search kv ${bad}`);
      expect(p.kind, bad).toBe('bad-flag-value');
    }
  });
  it('rejects unknown flags', () => {
    expect(problem('search kv --colour red')).toMatchObject({ kind: 'unknown-flag', flag: '--colour' });
    expect(problem('show snapkv --limit 3')).toMatchObject({ kind: 'unknown-flag' });
  });
  it('requires arguments where needed', () => {
    expect(problem('show')).toMatchObject({ kind: 'missing-argument' });
    expect(problem('search --code')).toMatchObject({ kind: 'missing-argument' });
    expect(problem('topic')).toMatchObject({ kind: 'missing-argument' });
  });
  it('lets --author or --since stand in for the query', () => {
    expect(ok('search --author dao').input).toMatchObject({ args: [], flags: { author: 'dao' } });
    expect(ok('search --since 7d').input.args).toEqual([]);
  });
  it('gives --author one word unless quoted, so the words after it stay the query', () => {
    expect(ok('search --author hinton diffusion').input).toMatchObject({ rest: 'diffusion', flags: { author: 'hinton' } });
    expect(ok('search --author "Tri Dao" cache').input).toMatchObject({ rest: 'cache', flags: { author: 'Tri Dao' } });
  });
  it('refuses arguments where none are taken', () => {
    expect(problem('stats now')).toMatchObject({ kind: 'unexpected-argument' });
  });
  it('lets a quoted --flag be a search word', () => {
    expect(ok('search "--code"').input.args).toEqual(['--code']);
  });
  it('reports empty input', () => {
    expect(problem('   ')).toMatchObject({ kind: 'empty' });
  });
});
