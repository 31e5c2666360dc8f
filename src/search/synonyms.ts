/**
 * A small built-in table of acronyms and equivalent phrasings used in ML papers. On the query
 * side a matched phrase is expanded into the other phrasings of its group; the expansions are
 * scored below the words the user actually typed (see query.ts).
 */
import { forEachTerm } from './analyze.ts';

/** Each line is one group of interchangeable phrasings. */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['kv', 'key value', 'key-value'],
  ['kv cache', 'key value cache', 'kvcache'],
  ['lora', 'low rank adaptation', 'low-rank adapter'],
  ['peft', 'parameter efficient fine tuning', 'parameter efficient tuning', 'parameter efficient finetuning'],
  ['3dgs', 'gaussian splatting', '3d gaussian splatting'],
  ['moe', 'mixture of experts'],
  ['rag', 'retrieval augmented generation'],
  ['llm', 'large language model'],
  ['mllm', 'multimodal large language model'],
  ['vlm', 'vision language model'],
  ['nerf', 'neural radiance field'],
  ['vit', 'vision transformer'],
  ['ssm', 'state space model'],
  ['gan', 'generative adversarial network'],
  ['dnn', 'deep neural network'],
  ['snn', 'spiking neural network'],
  ['gnn', 'graph neural network'],
  ['rl', 'reinforcement learning'],
  ['rlhf', 'reinforcement learning from human feedback'],
  ['kd', 'knowledge distillation'],
  ['nas', 'neural architecture search'],
  ['asr', 'speech recognition'],
  ['ann', 'approximate nearest neighbor', 'approximate nearest neighbour'],
  ['nearest neighbor', 'nearest neighbour'],
  ['vector search', 'vector similarity search', 'similarity search', 'nearest neighbor search'],
  ['quantization', 'quantisation', 'low bit'],
  ['colour', 'color'],
  ['sr', 'super resolution'],
  ['ocr', 'optical character recognition'],
  ['cot', 'chain of thought'],
  ['pruning', 'sparsification'],
  ['fine tuning', 'finetuning', 'fine tune'],
  ['failure', 'fault', 'crash'],
  ['survey', 'review', 'overview'],
  ['eviction', 'evict'],
  ['on device', 'edge device', 'mobile', 'smartphone'],
  ['subnetwork', 'sub network', 'supernet'],
];

/**
 * Plain words people ask with, and the words papers use for the same thing. One way only: a query
 * saying `shrinking` also finds `compression`, but `large` (as in large language model) is not
 * widened to `big`.
 */
export const PLAIN_WORDS: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['shrink', 'shrinking', 'compact'], ['compression']],
  [
    ['faster', 'speed up', 'speedup'],
    ['acceleration', 'accelerate'],
  ],
  [['big', 'huge'], ['large']],
  [['accelerator'], ['gpu']],
  [['fine tuning', 'finetuning'], ['adaptation']],
  [
    ['recover', 'recovery'],
    ['fault tolerance', 'resilience'],
  ],
  [['spilling', 'swapping'], ['offloading']],
  [['voice'], ['speech', 'speaker']],
  [['drop tokens', 'discard tokens'], ['eviction']],
  [['long sequence', 'long input'], ['long context']],
  [['city', 'urban'], ['large scale scene']],
];

/** A phrase as index terms (stemmed, noise dropped, no compounds). */
function phraseTerms(phrase: string): string[] {
  const out: string[] = [];
  // Compounds are left out: a phrase is matched word by word.
  for (const part of phrase.split(/[\s-]+/)) forEachTerm(part, (t) => out.push(t));
  return out;
}

interface Phrase {
  terms: string[];
  group: number;
}

/** Each group's phrases as terms, and what a phrase of the group expands to (by group). */
const groups: string[][][] = [];
const targets: string[][][] = [];
const byFirst = new Map<string, Phrase[]>();
function addGroup(from: readonly string[], to: readonly string[] | undefined): void {
  const fromTerms = from.map(phraseTerms).filter((t) => t.length > 0);
  const group = groups.length;
  groups.push(fromTerms);
  targets.push(to ? to.map(phraseTerms).filter((t) => t.length > 0) : fromTerms);
  for (const terms of fromTerms) {
    const first = terms[0]!;
    const list = byFirst.get(first) ?? [];
    list.push({ terms, group });
    byFirst.set(first, list);
  }
}
for (const g of SYNONYM_GROUPS) addGroup(g, undefined);
for (const [from, to] of PLAIN_WORDS) addGroup(from, to);
for (const list of byFirst.values()) list.sort((a, b) => b.terms.length - a.terms.length);

/** A synonym phrase found in a query: it spans `terms[start..end)` and can be replaced by `alternatives`. */
export interface SynonymMatch {
  start: number;
  end: number;
  alternatives: string[][];
}

/** Find synonym phrases in a query's term sequence (every start position; longest phrase first). */
export function findSynonyms(terms: readonly string[]): SynonymMatch[] {
  const out: SynonymMatch[] = [];
  for (let i = 0; i < terms.length; i++) {
    const candidates = byFirst.get(terms[i]!);
    if (!candidates) continue;
    for (const p of candidates) {
      if (i + p.terms.length > terms.length) continue;
      if (!p.terms.every((t, k) => terms[i + k] === t)) continue;
      const own = p.terms.join(' ');
      const alternatives = targets[p.group]!.filter((t) => t.join(' ') !== own);
      out.push({ start: i, end: i + p.terms.length, alternatives });
    }
  }
  return out;
}
