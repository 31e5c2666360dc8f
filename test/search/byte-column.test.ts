import { describe, expect, it } from 'vitest';
import { bytesOf, ByteColumn } from '../../src/search/byte-column.ts';

describe('ByteColumn', () => {
  it('writes texts as UTF-8 and bytes back to back, each ending at its offset, growing past its first buffer', () => {
    const items: (string | Uint8Array)[] = [
      'kv',
      '',
      'Über café',
      '李雷 🚀',
      Uint8Array.from([0, 255, 7]),
      'x'.repeat(70_000),
      Uint8Array.from({ length: 90_000 }, (_, i) => i & 0xff),
    ];
    const column = new ByteColumn(items.length, 'test items');
    for (const item of items) {
      if (typeof item === 'string') column.pushText(item);
      else column.push(item);
    }
    const { offsets, data } = column;
    expect(offsets[0]).toBe(0);
    expect(offsets[items.length]).toBe(data.byteLength);
    items.forEach((item, i) => {
      const bytes = data.subarray(offsets[i], offsets[i + 1]);
      if (typeof item === 'string') expect(bytes.toString('utf8')).toBe(item);
      else expect([...bytes]).toEqual([...item]);
    });
  });

  it('views a typed array as its bytes, without a copy', () => {
    const words = Uint32Array.from([1, 0x01020304]);
    const bytes = bytesOf(words.subarray(1));
    expect([...bytes]).toEqual([4, 3, 2, 1]);
    bytes[0] = 9;
    expect(words[1]).toBe(0x01020309);
  });
});
