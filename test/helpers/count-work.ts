/**
 * Count the work a string function does, instead of timing it: a deterministic number that a
 * loaded machine cannot change, so a test can say "linear in the input" without a clock.
 *
 * `countWork(input, budget, run)` calls `run` with a stand-in for `input` (a proxy of a `String`
 * object that behaves like the string) and counts
 *
 * - every character of the input read by index (`text[i]`), and
 * - every call of the string, array, set and map builtins that loops are made of while `run` runs,
 *   each as one step plus the characters or items it covers (`toLowerCase` on a 40-character word
 *   is 41 steps, `slice` the length of its result, iterating a string its length, `Set#has` one
 *   step).
 *
 * It throws `WorkBudgetExceeded` as soon as the count passes `budget`, so superlinear code fails
 * fast rather than running for minutes. The builtins are restored before it returns. `run` must be
 * synchronous (nothing else runs meanwhile).
 */

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Cost = (self: unknown, args: unknown[], result: unknown) => number;

const length = (x: unknown): number => (typeof x === 'string' || Array.isArray(x) ? x.length : x instanceof String ? x.length : 0);

/** String builtins and what one call covers. */
const STRING_COSTS: Record<string, Cost> = {
  toLowerCase: (s) => length(s),
  toUpperCase: (s) => length(s),
  slice: (_s, _a, r) => length(r),
  substring: (_s, _a, r) => length(r),
  split: (s) => length(s),
  includes: (s) => length(s),
  indexOf: (s) => length(s),
  startsWith: (_s, a) => length(a[0]),
  endsWith: (_s, a) => length(a[0]),
  replace: (s) => length(s),
  replaceAll: (s) => length(s),
  match: (s) => length(s),
  trim: (s) => length(s),
  trimStart: (s) => length(s),
  trimEnd: (s) => length(s),
  charCodeAt: () => 0,
  codePointAt: () => 0,
};
/** Array builtins that walk the array. */
const ARRAY_WALKS = ['some', 'every', 'filter', 'map', 'forEach', 'reduce', 'includes', 'indexOf', 'find', 'findIndex', 'join', 'slice'];

export class WorkBudgetExceeded extends Error {}

/** Run `run` on a counting stand-in for `input`; returns the steps counted and what `run` returned. */
export function countWork<T>(input: string, budget: number, run: (text: string) => T): { work: number; result: T } {
  let work = 0;
  const spend = (n: number): void => {
    work += 1 + n;
    if (work > budget) throw new WorkBudgetExceeded(`more than ${budget} steps of work on ${input.length} characters`);
  };
  const restore: (() => void)[] = [];
  const patch = (proto: object, name: string | symbol, cost: Cost): void => {
    const table = proto as Record<string | symbol, Method>;
    const original = table[name];
    if (typeof original !== 'function') return;
    table[name] = function (this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      spend(cost(this, args, result));
      return result;
    };
    restore.push(() => (table[name] = original));
  };
  const target = new String(input);
  const text = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'string' && key.length > 0 && key.length < 16 && Number.isInteger(Number(key))) spend(0);
      const v: unknown = Reflect.get(t, key);
      return typeof v === 'function' ? (v as Method).bind(t) : v;
    },
  }) as unknown as string;
  try {
    for (const name of Object.keys(STRING_COSTS)) patch(String.prototype, name, STRING_COSTS[name]!);
    patch(String.prototype, Symbol.iterator, (s) => length(s));
    for (const name of ARRAY_WALKS) patch(Array.prototype, name, (a) => length(a));
    patch(Set.prototype, 'has', () => 0);
    patch(Map.prototype, 'get', () => 0);
    patch(Map.prototype, 'has', () => 0);
    const result = run(text);
    return { work, result };
  } finally {
    for (const r of restore.reverse()) r();
  }
}
