import { describe, expect, it } from 'vitest';
import { stripLeadingMention } from '../../adapters/shell/mention.ts';

describe('stripLeadingMention', () => {
  it.each([
    ['@Paperboy show snapkv', 'show snapkv'],
    ['@paperboy show snapkv', 'show snapkv'],
    ['  @PaperBoy,  show snapkv ', 'show snapkv'],
    ['@paperboy: kv cache', 'kv cache'],
    ['<@U0PAPERBOY> show snapkv', 'show snapkv'],
    ['<@U0PAPERBOY|paperboy> show snapkv', 'show snapkv'],
    ['<@!123456789012345678> show snapkv', 'show snapkv'],
    ['<@&987654321> show snapkv', 'show snapkv'],
    ['@Paperboy @paperboy show snapkv', 'show snapkv'],
    ['@Paperboy', ''],
    ['<@U1>', ''],
  ])('%j is %j', (line, text) => {
    expect(stripLeadingMention(line)).toBe(text);
  });
  it.each([
    ['show snapkv', 'show snapkv'],
    ['@paperboyish kv', '@paperboyish kv'],
    ['@paperboy-fan kv', '@paperboy-fan kv'],
    ['search @paperboy', 'search @paperboy'],
    ['paperboy show snapkv', 'paperboy show snapkv'],
    ['@alice show snapkv', '@alice show snapkv'],
    ['', ''],
  ])('leaves %j as it is (%j)', (line, text) => {
    expect(stripLeadingMention(line)).toBe(text);
  });
});
