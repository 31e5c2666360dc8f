import { describe, expect, it } from 'vitest';
import { cleanLatex, extractAliases, extractHighlights, extractLinks, extractName, linkKind, mergeById, slugify } from '../../src/parse/index.ts';
import { isStrongToken } from '../../src/parse/name-like.ts';
import { looksLikeAbstract, pageDate } from '../../src/parse/page-lines.ts';
import type { Paper } from '../../src/papers/paper.ts';

describe('slugify', () => {
  it('makes lowercase ascii hyphenated slugs', () => {
    expect(slugify('SnapKV: LLM Knows What You are Looking for Before Generation')).toBe('snapkv-llm-knows-what-you-are-looking-for-before-generation');
    expect(slugify('E²GAN: Efficient GANs')).toBe('e2gan-efficient-gans');
    expect(slugify('Café Déjà-vu — 70% Size')).toBe('cafe-deja-vu-70-size');
    expect(slugify('SeiT++: Masked')).toBe('seit-masked');
  });

  it('cuts long titles at a word and keeps them unique with a stable hash', () => {
    const a = `A Very Long Title ${'about many things '.repeat(8)}variant one`;
    const b = `A Very Long Title ${'about many things '.repeat(8)}variant two`;
    const sa = slugify(a);
    expect(sa.length).toBeLessThanOrEqual(80);
    expect(sa).toMatch(/^a-very-long-title-about-many-things(?:-[a-z0-9]+)+$/);
    expect(sa).not.toBe(slugify(b));
    expect(slugify(a)).toBe(sa);
  });

  it('never returns an empty slug', () => {
    expect(slugify('∑∫√')).toMatch(/^paper-[a-z0-9]+$/);
    expect(slugify('')).toMatch(/^paper-[a-z0-9]+$/);
  });
});

describe('extractName', () => {
  it.each([
    ['Swift4D:Adaptive divide-and-conquer Gaussian Splatting', 'Swift4D'],
    ['Alt-MoE:A Scalable Framework', 'Alt-MoE'],
    ['SortedNet, a Place for Every Network and Every Network in its Place: Towards X', 'SortedNet'],
    ['Probabilistic Partitive Partitioning (PPP)', 'PPP'],
    ['Self-Referencing Embedded Strings (SELFIES): A 100% robust representation', 'SELFIES'],
    ['LUT Tensor Core: Lookup Table Enables Efficient Low-Bit LLM Inference', 'LUT Tensor Core'],
    ['DeepSpeed Inference: Enabling Efficient Inference', 'DeepSpeed Inference'],
    ['Curator: Efficient Indexing', 'Curator'],
    ['E²GAN: Efficient Training', 'E²GAN'],
    ['Train Small, Infer Large: Memory-Efficient LoRA Training', undefined],
    ['70% Size, 100% Accuracy: Lossless LLM Compression', undefined],
    ['Anonymizing Speech: Evaluating and Designing', undefined],
    ['Name Your Colour For the Task: Artificially Discover', undefined],
    ['Model Tells You Where to Merge: Adaptive KV Cache Merging', undefined],
    ['The I/O Complexity of Attention, or How Optimal is Flash Attention?', undefined],
    ['Efficient Deep Neural Networks', undefined],
    ['LLM in a flash: Efficient Large Language Model Inference', undefined],
    ['Survey: Efficient Things', undefined],
    ['Beyond Efficiency: A Systematic Survey', undefined],
    [':Leading colon', undefined],
    ['', undefined],
  ])('%s -> %s', (title, name) => {
    expect(extractName(title)).toBe(name);
  });

  it('recognises name-shaped tokens', () => {
    for (const t of ['SnapKV', 'eDKM', 'vAttention', 'Light4GS', 'R2D2', 'E²GAN', 'NOLA', 'OFVL-MS', 'SeiT++', 'I-ViT']) {
      expect(isStrongToken(t), t).toBe(true);
    }
    for (const t of ['Efficient', 'model', '3D', '7B', '1.3B', '10x', 'A', '-MoE', '']) expect(isStrongToken(t), t).toBe(false);
  });
});

describe('cleanLatex', () => {
  it.each([
    ['over 64\\% of', 'over 64% of'],
    ['E$^{2}$GAN', 'E²GAN'],
    ['approximate 10^{13} architectures', 'approximate 10¹³ architectures'],
    ['N^2d^2{M} I/O', 'N²d²/M I/O'],
    ['Models~(LLMs)', 'Models (LLMs)'],
    ['up to 2.4\\times speedup', 'up to 2.4× speedup'],
    ['around 2times speedup on 512times512', 'around 2× speedup on 512×512'],
    ['achieving 3.72sim4.11times', 'achieving 3.72–4.11×'],
    ['a sim 28.6times cut', 'a ≈28.6× cut'],
    ['M geq d^2', 'M ≥ d²'],
    ['30--50\\%', '30–50%'],
    ['\\textbf{bold} and \\emph{it}', 'bold and it'],
    ['cost $x_{i}$ and $\\alpha$', 'cost xᵢ and α'],
    ['Q4_0 quantization', 'Q4_0 quantization'],
    ['price \\$5', 'price $5'],
    ['consistency.Existing models', 'consistency. Existing models'],
    ['a  b \t c ', 'a b c'],
    ['( LSFS ) here , done', '(LSFS) here, done'],
    ['at: {\\footnotesizeblue{https://github.com/microsoft/SPTAG}}.', 'at: https://github.com/microsoft/SPTAG.'],
    ['see https://example.com/~user/a_b now', 'see https://example.com/~user/a_b now'],
  ])('%s', (input, output) => {
    expect(cleanLatex(input)).toBe(output);
  });

  it('replaces a project-name macro with the name, or says "this method"', () => {
    expect(cleanLatex('shows that \\prjname can run', { projectName: 'eDKM' })).toBe('shows that eDKM can run');
    expect(cleanLatex('shows that \\ours can run')).toBe('shows that this method can run');
    expect(cleanLatex('an \\unknownmacro here')).toBe('an unknownmacro here');
  });
});

describe('extractLinks', () => {
  it('cleans trailing punctuation and braces without breaking dots inside URLs', () => {
    const text =
      'Code: https://github.com/duguodong7/GraftLLM. Site https://jbhu67.github.io/LoSF-UDF.github.io. Model https://github.com/Wan-Video/Wan2.1. Repo https://github.com/a/b.git and (https://example.org/x_(y)) and https://github.com/microsoft/SPTAG}}. Again https://github.com/a/b.git.';
    expect(extractLinks(text)).toEqual([
      { url: 'https://github.com/duguodong7/GraftLLM', kind: 'code' },
      { url: 'https://jbhu67.github.io/LoSF-UDF.github.io', kind: 'project' },
      { url: 'https://github.com/Wan-Video/Wan2.1', kind: 'code' },
      { url: 'https://github.com/a/b.git', kind: 'code' },
      { url: 'https://example.org/x_(y)', kind: 'project' },
      { url: 'https://github.com/microsoft/SPTAG', kind: 'code' },
    ]);
  });

  it('classifies hosts', () => {
    expect(linkKind('https://huggingface.co/org/model')).toBe('code');
    expect(linkKind('https://gitlab.com/a/b')).toBe('code');
    expect(linkKind('https://github.com/')).toBe('other');
    expect(linkKind('https://maincold2.github.io/c3dgs/')).toBe('project');
    expect(linkKind('https://abdullahamdi.com/ges')).toBe('project');
    expect(linkKind('https://arxiv.org/abs/2401.00001')).toBe('other');
    expect(linkKind('https://www.cs.example.edu/~me/project')).toBe('other');
  });

  it('skips things that are not http(s) URLs with a host', () => {
    expect(extractLinks('see https://. or http://localhost/x or ftp://a.b/c')).toEqual([]);
  });
});

describe('extractAliases', () => {
  it.each([
    ['we introduce GraftLLM, a novel method. Recent works like FuseLLM and FuseChat have shown it.', undefined, ['GraftLLM']],
    ['we propose Mixed-precision KV cache (MiKV), a reliable method.', undefined, ['MiKV']],
    ['We apply it to create SambaY, a decoder-hybrid-decoder architecture.', undefined, ['SambaY']],
    ['a framework, called Light4GS, that prunes.', 'Light4GS', []],
    ['we present a novel approach, dubbed DualGS, for playback.', undefined, ['DualGS']],
    ['we propose a memory-efficient method named Reconstruction Relations Embedded Hashing (RREH).', undefined, ['RREH']],
    ['We release SmallThinker-4B-A0.6B and SmallThinker-21B-A3B.', 'SmallThinker', []],
    ['these low-bit LLMs introduce the need for mixed-precision matrix multiplication (mpGEMM).', undefined, []],
    ['SeiT proposed the use of Vector-Quantized (VQ) feature vectors.', undefined, []],
    ['we introduce an LLM-based semantic file system for retrieval.', undefined, []],
    ['We present Fuyou, a low-cost training framework.', undefined, ['Fuyou']],
    ['We refer to the modified RPS, which incorporates our improvements, as STABLE-RPS.', undefined, ['STABLE-RPS']],
    ['we propose a novel colour quantisation transformer, CQFormer, that quantises colour.', undefined, ['CQFormer']],
    ['we introduce Large Language Models (LLMs) to GPUs.', undefined, []],
  ])('%s', (abstract, name, aliases) => {
    expect(extractAliases(abstract, name)).toEqual(aliases);
  });
});

describe('extractHighlights', () => {
  it('quotes claims around numbers with units and skips plain numbers', () => {
    expect(extractHighlights('Our approach achieves over 120x compression and increases rendering FPS up to 20% compared to the baseline.')).toEqual([
      'over 120x compression',
      'increases rendering FPS up to 20%',
    ]);
    expect(extractHighlights('We train a 7B model in 2023 on 1,024 GPUs, see Section 3 and (1).')).toEqual([]);
    expect(extractHighlights('It is 3 times faster and uses 5-fold less memory.')).toEqual(['3 times faster', '5-fold less memory']);
    expect(extractHighlights('Runs on 48xGH200 and v2.5x hardware.')).toEqual([]);
  });

  it('keeps at most 5, each at most 80 characters', () => {
    const text = Array.from({ length: 9 }, (_, i) => `gives ${i + 1}x speedup`).join(', ');
    expect(extractHighlights(text)).toHaveLength(5);
    const long = `improves ${'verylongword'.repeat(10)} by 30% ${'x'.repeat(100)}`;
    for (const h of extractHighlights(long)) expect(h.length).toBeLessThanOrEqual(80);
  });
});

describe('page lines', () => {
  it('recognises dates and abstracts', () => {
    expect(pageDate('Aug 8')).toBe('Aug 8');
    expect(pageDate('August 12, 2025')).toBe('August 12, 2025');
    expect(pageDate('2025-08-08')).toBe('2025-08-08');
    expect(pageDate('Augmented Reality 8')).toBeUndefined();
    expect(looksLikeAbstract('SnapKV: LLM Knows What You are Looking for Before Generation')).toBe(false);
    expect(looksLikeAbstract('x'.repeat(301))).toBe(true);
    expect(looksLikeAbstract('This is a sentence with more than fifteen words in it so that it reads like prose text.')).toBe(true);
  });
});

describe('mergeById', () => {
  const base: Paper = {
    id: 'a',
    title: 'A',
    name: 'A1',
    aliases: ['X'],
    abstract: 'short',
    links: [{ url: 'https://github.com/a/a', kind: 'code' }],
    highlights: ['2x'],
    sources: [{ file: 'f1', line: 1 }],
  };
  it('concatenates sources, keeps the longest abstract, unions aliases and links, keeps first-seen order', () => {
    const other: Paper = {
      ...base,
      aliases: ['x', 'Y'],
      abstract: 'much longer',
      links: [{ url: 'https://b.org/', kind: 'other' }],
      highlights: ['3x'],
      sources: [{ file: 'f2', line: 5 }],
    };
    const merged = mergeById([base, { ...base, id: 'b' }, other]);
    expect(merged.map((p) => p.id)).toEqual(['a', 'b']);
    expect(merged[0]).toEqual({
      ...base,
      aliases: ['X', 'Y'],
      abstract: 'much longer',
      links: [...base.links, { url: 'https://b.org/', kind: 'other' }],
      highlights: ['3x'],
      sources: [
        { file: 'f1', line: 1 },
        { file: 'f2', line: 5 },
      ],
    });
  });
});
