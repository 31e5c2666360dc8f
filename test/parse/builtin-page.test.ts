import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PAPERS_PATH } from '../../src/sources/page-files.ts';
import { PaperSchema, type PageSource, type Paper } from '../../src/papers/paper.ts';
import { parseDailyPapers } from '../../src/parse/index.ts';

const FILE = 'data/daily-papers.txt';
const text = readFileSync(BUILTIN_PAPERS_PATH, 'utf8');
const page = parseDailyPapers(text, FILE);
const rawLines = text.split('\n');

/** The paper whose title starts with `prefix` (exactly one must). */
function paper(prefix: string): Paper {
  const hits = page.papers.filter((p) => p.title.startsWith(prefix));
  expect(hits, `papers titled "${prefix}..."`).toHaveLength(1);
  return hits[0] as Paper;
}

describe('built-in Daily Papers page', () => {
  it('parses exactly 116 valid papers with no problems and the page date', () => {
    expect(page.papers).toHaveLength(116);
    expect(page.problems).toEqual([]);
    expect(page.date).toBe('Aug 8');
    for (const p of page.papers) expect(PaperSchema.safeParse(p).success).toBe(true);
  });

  it('makes every title line of the file the title of exactly one paper (nothing merged or shifted)', () => {
    // In the page every paper is: title line, blank, abstract line, blank; titles start at line 13.
    const titleLines = rawLines.flatMap((_, i) => (i + 1 >= 13 && (i + 1 - 13) % 4 === 0 ? [i + 1] : []));
    expect(titleLines).toHaveLength(116);
    expect(page.papers.map((p) => (p.sources[0] as PageSource | undefined)?.line)).toEqual(titleLines);
    for (const p of page.papers) {
      expect(p.sources).toHaveLength(1);
      const src = p.sources[0] as PageSource | undefined;
      expect(src).toEqual({ file: FILE, line: src?.line, date: 'Aug 8' });
      const raw = rawLines[(src?.line ?? 0) - 1] ?? '';
      // The title is the raw line minus LaTeX; its words all come from that line.
      expect(raw.length).toBeLessThan(200);
      expect(p.abstract.length).toBeGreaterThan(200);
      expect(rawLines[src?.line ?? 0]).toBe('');
    }
  });

  it('gives unique, stable, ascii slugs', () => {
    const ids = page.papers.map((p) => p.id);
    expect(new Set(ids).size).toBe(116);
    expect(parseDailyPapers(text, 'elsewhere/page.txt').papers.map((p) => p.id)).toEqual(ids);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(id.length).toBeLessThanOrEqual(80);
    }
    expect(paper('SnapKV').id).toBe('snapkv-llm-knows-what-you-are-looking-for-before-generation');
    expect(paper('E²GAN').id).toBe('e2gan-efficient-training-of-efficient-gans-for-image-to-image-translation');
  });

  it('cleans LaTeX out of titles', () => {
    expect(paper('E²GAN').title).toBe('E²GAN: Efficient Training of Efficient GANs for Image-to-Image Translation');
    for (const p of page.papers) expect(p.title).not.toMatch(/[\\$~{}^]/);
  });

  it('finds the expected short name (or none) for every one of the 116 titles', () => {
    const expected: [string, string | null][] = [
      ['Light4GS: Lightweight Compact 4D Gaussia', 'Light4GS'],
      ['Knowledge Grafting of Large Language Mod', null],
      ['MemOS: A Memory OS for AI System', 'MemOS'],
      ['Discrete Audio Tokens: More Than a Surve', null],
      ['OFVL-MS: Once for Visual Localization ac', 'OFVL-MS'],
      ['SeiT++: Masked Token Modeling Improves S', 'SeiT++'],
      ['Alt-MoE:A Scalable Framework for Bidirec', 'Alt-MoE'],
      ['NOLA: Networks as Linear Combination of ', 'NOLA'],
      ['Accurate Block Quantization in LLMs with', null],
      ['Reliable and Efficient In-Memory Fault T', null],
      ['Efficient Personalization of Quantized D', null],
      ['Efficient 3D Recognition with Event-driv', null],
      ['I-ViT: Integer-only Quantization for Eff', 'I-ViT'],
      ['Swift4D:Adaptive divide-and-conquer Gaus', 'Swift4D'],
      ['CASA: Class-Agnostic Shared Attributes i', 'CASA'],
      ['EfficientTDNN: Efficient Architecture Se', 'EfficientTDNN'],
      ['SmallThinker: A Family of Efficient Larg', 'SmallThinker'],
      ['CityGaussianV2: Efficient and Geometrica', 'CityGaussianV2'],
      ['AsyncFlow: An Asynchronous Streaming RL ', 'AsyncFlow'],
      ['PLM: Efficient Peripheral Language Model', 'PLM'],
      ['Ca2-VDM: Efficient Autoregressive Video ', 'Ca2-VDM'],
      ['DiffFit: Unlocking Transferability of La', 'DiffFit'],
      ['M-FAC: Efficient Matrix-Free Approximati', 'M-FAC'],
      ['Infinite-LLM: Efficient LLM Service for ', 'Infinite-LLM'],
      ['eDKM: An Efficient and Accurate Train-ti', 'eDKM'],
      ['ZipCache: Accurate and Efficient KV Cach', 'ZipCache'],
      ['Sensitivity-Aware Visual Parameter-Effic', null],
      ['CE-SSL: Computation-Efficient Semi-Super', 'CE-SSL'],
      ['E²GAN: Efficient Training of Efficient G', 'E²GAN'],
      ['UniPT: Universal Parallel Tuning for Tra', 'UniPT'],
      ['Towards High-Quality and Efficient Video', null],
      ['DDK: Distilling Domain Knowledge for Eff', 'DDK'],
      ['GES: Generalized Exponential Splatting f', 'GES'],
      ['Hierarchical Patch Compression for ColPa', null],
      ['ComPEFT: Compression for Communicating P', 'ComPEFT'],
      ['IncreLoRA: Incremental Parameter Allocat', 'IncreLoRA'],
      ['PVP: Pre-trained Visual Parameter-Effici', 'PVP'],
      ['SE-MoE: A Scalable and Efficient Mixture', 'SE-MoE'],
      ['PCA-RAG: Principal Component Analysis fo', 'PCA-RAG'],
      ['LUT Tensor Core: Lookup Table Enables Ef', 'LUT Tensor Core'],
      ['DeepSpeed Inference: Enabling Efficient ', 'DeepSpeed Inference'],
      ['VL-PET: Vision-and-Language Parameter-Ef', 'VL-PET'],
      ['70% Size, 100% Accuracy: Lossless LLM Co', null],
      ['Train Small, Infer Large: Memory-Efficie', null],
      ['RREH: Reconstruction Relations Embedded ', 'RREH'],
      ['SQUASH: Serverless and Distributed Quant', 'SQUASH'],
      ['Compact 3D Gaussian Splatting for Static', null],
      ['ZipGAN: Super-Resolution-based Generativ', 'ZipGAN'],
      ['ByteCheckpoint: A Unified Checkpointing ', 'ByteCheckpoint'],
      ['Compact 3D Scene Representation via Self', null],
      ['Anonymizing Speech: Evaluating and Desig', null],
      ['Name Your Colour For the Task: Artificia', null],
      ['Cross-Scale Context Extracted Hashing fo', null],
      ['Robust Dual Gaussian Splatting for Immer', null],
      ['SortedNet, a Place for Every Network and', 'SortedNet'],
      ['A Lightweight UDF Learning Framework for', null],
      ['DeformToon3D: Deformable 3D Toonificatio', 'DeformToon3D'],
      ['RT-NeRF: Real-Time On-Device Neural Radi', 'RT-NeRF'],
      ['Self-Referencing Embedded Strings (SELFI', 'SELFIES'],
      ['SPANN: Highly-efficient Billion-scale Ap', 'SPANN'],
      ['Code generation and runtime techniques f', null],
      ['DataStates-LLM: Lazy Asynchronous Checkp', 'DataStates-LLM'],
      ['Logzip: Extracting Hidden Structures via', 'Logzip'],
      ['A Model or 603 Exemplars: Towards Memory', null],
      ['MemAscend: System Memory Optimization fo', 'MemAscend'],
      ['Curator: Efficient Indexing for Multi-Te', 'Curator'],
      ['From Commands to Prompts: LLM-based Sema', null],
      ['Scaling Retrieval-Based Language Models ', null],
      ['R2D2: Reducing Redundancy and Duplicatio', 'R2D2'],
      ['InstInfer: In-Storage Attention Offloadi', 'InstInfer'],
      ['EfficientLLM: Efficiency in Large Langua', 'EfficientLLM'],
      ['Adding NVMe SSDs to Enable and Accelerat', null],
      ['LIFL: A Lightweight, Event-driven Server', 'LIFL'],
      ['BitStack: Fine-Grained Size Control for ', 'BitStack'],
      ['Cache-Craft: Managing Chunk-Caches for E', 'Cache-Craft'],
      ['Efficient Deep Neural Networks', null],
      ['Efficient Arbitrary Precision Accelerati', null],
      ['LLM in a flash: Efficient Large Language', null],
      ['Scale Efficient Training for Large Datas', null],
      ['MAMBA: Multi-level Aggregation via Memor', 'MAMBA'],
      ['vAttention: Dynamic Memory Management fo', 'vAttention'],
      ['An Introduction to Electrocatalyst Desig', null],
      ['Frustratingly Simple Retrieval Improves ', null],
      ['ZeRO: Memory Optimizations Toward Traini', 'ZeRO'],
      ['In defense of parameter sharing for mode', null],
      ['Wan: Open and Advanced Large-Scale Video', 'Wan'],
      ['Beyond Efficiency: A Systematic Survey o', null],
      ['Learning Discrete Representations via Co', null],
      ['EdgeMoE: Fast On-Device Inference of MoE', 'EdgeMoE'],
      ['The I/O Complexity of Attention, or How ', null],
      ['Streaming Video Question-Answering with ', null],
      ['FlashAttention-2: Faster Attention with ', 'FlashAttention-2'],
      ['Unified Functional Hashing in Automatic ', null],
      ['Supervised Compression for Resource-Cons', null],
      ['Model Tells You Where to Merge: Adaptive', null],
      ['SentenceKV: Efficient LLM Inference via ', 'SentenceKV'],
      ['Spatially-Aware Transformer for Embodied', null],
      ['APE: Faster and Longer Context-Augmented', 'APE'],
      ['MegaScale: Scaling Large Language Model ', 'MegaScale'],
      ['BurstGPT: A Real-world Workload Dataset ', 'BurstGPT'],
      ['BlockLLM: Multi-tenant Finer-grained Ser', 'BlockLLM'],
      ['Scaling Laws for Data Filtering – Data C', null],
      ['ETS: Efficient Tree Search for Inference', 'ETS'],
      ['DiskGNN: Bridging I/O Efficiency and Mod', 'DiskGNN'],
      ['Analysis and Optimized CXL-Attached Memo', null],
      ['Simple linear attention language models ', null],
      ['FlashAttention: Fast and Memory-Efficien', 'FlashAttention'],
      ['BiBench: Benchmarking and Analyzing Netw', 'BiBench'],
      ['SnapKV: LLM Knows What You are Looking f', 'SnapKV'],
      ['Kinetics: Rethinking Test-Time Scaling L', 'Kinetics'],
      ['PrefixKV: Adaptive Prefix KV Cache is Wh', 'PrefixKV'],
      ['EMS: Adaptive Evict-then-Merge Strategy ', 'EMS'],
      ['Probabilistic Partitive Partitioning (PP', 'PPP'],
      ['Decoder-Hybrid-Decoder Architecture for ', null],
      ['No Token Left Behind: Reliable KV Cache ', null],
      ['ByteScale: Efficient Scaling of LLM Trai', 'ByteScale'],
    ];
    expect(expected).toHaveLength(116);
    expect(page.papers.map((p) => [p.title.slice(0, 40), p.name ?? null])).toEqual(expected);
  });

  it('finds the expected aliases for every paper (and no baselines or generic acronyms)', () => {
    const expected: [string, string[]][] = [
      ['Light4GS: Lightweight Compact 4D Gaussia', []],
      ['Knowledge Grafting of Large Language Mod', ['GraftLLM']],
      ['MemOS: A Memory OS for AI System', []],
      ['Discrete Audio Tokens: More Than a Surve', []],
      ['OFVL-MS: Once for Visual Localization ac', []],
      ['SeiT++: Masked Token Modeling Improves S', ['TokenAdapt', 'ColorAdapt']],
      ['Alt-MoE:A Scalable Framework for Bidirec', []],
      ['NOLA: Networks as Linear Combination of ', []],
      ['Accurate Block Quantization in LLMs with', []],
      ['Reliable and Efficient In-Memory Fault T', []],
      ['Efficient Personalization of Quantized D', []],
      ['Efficient 3D Recognition with Event-driv', ['SVC', 'SSC', 'E-3DSNN']],
      ['I-ViT: Integer-only Quantization for Eff', []],
      ['Swift4D:Adaptive divide-and-conquer Gaus', []],
      ['CASA: Class-Agnostic Shared Attributes i', []],
      ['EfficientTDNN: Efficient Architecture Se', []],
      ['SmallThinker: A Family of Efficient Larg', []],
      ['CityGaussianV2: Efficient and Geometrica', []],
      ['AsyncFlow: An Asynchronous Streaming RL ', []],
      ['PLM: Efficient Peripheral Language Model', []],
      ['Ca2-VDM: Efficient Autoregressive Video ', []],
      ['DiffFit: Unlocking Transferability of La', []],
      ['M-FAC: Efficient Matrix-Free Approximati', []],
      ['Infinite-LLM: Efficient LLM Service for ', ['DistAttention', 'DistKV-LLM']],
      ['eDKM: An Efficient and Accurate Train-ti', []],
      ['ZipCache: Accurate and Efficient KV Cach', []],
      ['Sensitivity-Aware Visual Parameter-Effic', ['SPT']],
      ['CE-SSL: Computation-Efficient Semi-Super', []],
      ['E²GAN: Efficient Training of Efficient G', []],
      ['UniPT: Universal Parallel Tuning for Tra', []],
      ['Towards High-Quality and Efficient Video', []],
      ['DDK: Distilling Domain Knowledge for Eff', []],
      ['GES: Generalized Exponential Splatting f', []],
      ['Hierarchical Patch Compression for ColPa', ['HPC-ColPali']],
      ['ComPEFT: Compression for Communicating P', []],
      ['IncreLoRA: Incremental Parameter Allocat', []],
      ['PVP: Pre-trained Visual Parameter-Effici', []],
      ['SE-MoE: A Scalable and Efficient Mixture', []],
      ['PCA-RAG: Principal Component Analysis fo', []],
      ['LUT Tensor Core: Lookup Table Enables Ef', []],
      ['DeepSpeed Inference: Enabling Efficient ', []],
      ['VL-PET: Vision-and-Language Parameter-Ef', []],
      ['70% Size, 100% Accuracy: Lossless LLM Co', ['DFloat11']],
      ['Train Small, Infer Large: Memory-Efficie', ['LoRAM']],
      ['RREH: Reconstruction Relations Embedded ', []],
      ['SQUASH: Serverless and Distributed Quant', []],
      ['Compact 3D Gaussian Splatting for Static', []],
      ['ZipGAN: Super-Resolution-based Generativ', []],
      ['ByteCheckpoint: A Unified Checkpointing ', []],
      ['Compact 3D Scene Representation via Self', []],
      ['Anonymizing Speech: Evaluating and Desig', []],
      ['Name Your Colour For the Task: Artificia', ['CQFormer']],
      ['Cross-Scale Context Extracted Hashing fo', []],
      ['Robust Dual Gaussian Splatting for Immer', ['DualGS']],
      ['SortedNet, a Place for Every Network and', []],
      ['A Lightweight UDF Learning Framework for', ['LoSF-UDF']],
      ['DeformToon3D: Deformable 3D Toonificatio', []],
      ['RT-NeRF: Real-Time On-Device Neural Radi', []],
      ['Self-Referencing Embedded Strings (SELFI', []],
      ['SPANN: Highly-efficient Billion-scale Ap', []],
      ['Code generation and runtime techniques f', []],
      ['DataStates-LLM: Lazy Asynchronous Checkp', []],
      ['Logzip: Extracting Hidden Structures via', []],
      ['A Model or 603 Exemplars: Towards Memory', ['MEMO']],
      ['MemAscend: System Memory Optimization fo', []],
      ['Curator: Efficient Indexing for Multi-Te', []],
      ['From Commands to Prompts: LLM-based Sema', ['LSFS']],
      ['Scaling Retrieval-Based Language Models ', ['MassiveDS']],
      ['R2D2: Reducing Redundancy and Duplicatio', []],
      ['InstInfer: In-Storage Attention Offloadi', []],
      ['EfficientLLM: Efficiency in Large Langua', []],
      ['Adding NVMe SSDs to Enable and Accelerat', ['Fuyou']],
      ['LIFL: A Lightweight, Event-driven Server', []],
      ['BitStack: Fine-Grained Size Control for ', []],
      ['Cache-Craft: Managing Chunk-Caches for E', []],
      ['Efficient Deep Neural Networks', []],
      ['Efficient Arbitrary Precision Accelerati', []],
      ['LLM in a flash: Efficient Large Language', []],
      ['Scale Efficient Training for Large Datas', ['SeTa']],
      ['MAMBA: Multi-level Aggregation via Memor', ['GEO']],
      ['vAttention: Dynamic Memory Management fo', []],
      ['An Introduction to Electrocatalyst Desig', []],
      ['Frustratingly Simple Retrieval Improves ', ['CompactDS']],
      ['ZeRO: Memory Optimizations Toward Traini', []],
      ['In defense of parameter sharing for mode', ['STABLE-RPS']],
      ['Wan: Open and Advanced Large-Scale Video', []],
      ['Beyond Efficiency: A Systematic Survey o', []],
      ['Learning Discrete Representations via Co', ['RepCONC']],
      ['EdgeMoE: Fast On-Device Inference of MoE', []],
      ['The I/O Complexity of Attention, or How ', []],
      ['Streaming Video Question-Answering with ', ['ReKV']],
      ['FlashAttention-2: Faster Attention with ', []],
      ['Unified Functional Hashing in Automatic ', []],
      ['Supervised Compression for Resource-Cons', []],
      ['Model Tells You Where to Merge: Adaptive', ['KVMerger']],
      ['SentenceKV: Efficient LLM Inference via ', []],
      ['Spatially-Aware Transformer for Embodied', []],
      ['APE: Faster and Longer Context-Augmented', []],
      ['MegaScale: Scaling Large Language Model ', []],
      ['BurstGPT: A Real-world Workload Dataset ', []],
      ['BlockLLM: Multi-tenant Finer-grained Ser', []],
      ['Scaling Laws for Data Filtering – Data C', []],
      ['ETS: Efficient Tree Search for Inference', []],
      ['DiskGNN: Bridging I/O Efficiency and Mod', []],
      ['Analysis and Optimized CXL-Attached Memo', []],
      ['Simple linear attention language models ', ['BASED']],
      ['FlashAttention: Fast and Memory-Efficien', []],
      ['BiBench: Benchmarking and Analyzing Netw', []],
      ['SnapKV: LLM Knows What You are Looking f', []],
      ['Kinetics: Rethinking Test-Time Scaling L', []],
      ['PrefixKV: Adaptive Prefix KV Cache is Wh', []],
      ['EMS: Adaptive Evict-then-Merge Strategy ', []],
      ['Probabilistic Partitive Partitioning (PP', []],
      ['Decoder-Hybrid-Decoder Architecture for ', ['GMU', 'SambaY']],
      ['No Token Left Behind: Reliable KV Cache ', ['MiKV']],
      ['ByteScale: Efficient Scaling of LLM Trai', ['HDP']],
    ];
    expect(expected).toHaveLength(116);
    expect(page.papers.map((p) => [p.title.slice(0, 40), p.aliases])).toEqual(expected);
  });

  it('never takes prior work, generic acronyms or the name itself as an alias', () => {
    const never = [
      'FuseLLM',
      'FuseChat',
      'SeiT',
      'LoRA',
      'DKM',
      'Ginex',
      'MariusGNN',
      'H2O',
      'CaM',
      'YOCO',
      'Samba',
      'Megatron-LM',
      'Turing-NLG',
      'LLM',
      'LLMs',
      'GPU',
      'KV',
      '3DGS',
      '4DGS',
      'RAG',
      'MoE',
      'AGI',
      'PEFT',
      'mpGEMM',
      'FlashAttention-2',
      'ROAST',
    ];
    for (const p of page.papers) {
      for (const a of p.aliases) {
        expect(never, `${p.title}: ${a}`).not.toContain(a);
        expect(a.toLowerCase()).not.toBe(p.name?.toLowerCase());
      }
    }
  });

  it('lists every link of the page, cleaned and classified', () => {
    const expected: [string, string, 'code' | 'project' | 'other'][] = [
      ['Knowledge Grafting of Large La', 'https://github.com/duguodong7/GraftLLM', 'code'],
      ['Discrete Audio Tokens: More Th', 'https://poonehmousavi.github.io/dates-website/', 'project'],
      ['SeiT++', 'https://github.com/naver-ai/seit', 'code'],
      ['Efficient 3D Recognition with ', 'https://github.com/bollossom/E-3DSNN/', 'code'],
      ['I-ViT', 'https://github.com/zkkli/I-ViT', 'code'],
      ['Swift4D', 'https://github.com/WuJH2001/swift4d', 'code'],
      ['CityGaussianV2', 'https://dekuliutesla.github.io/CityGaussianV2/', 'project'],
      ['PLM', 'https://github.com/plm-team/PLM', 'code'],
      ['Ca2-VDM', 'https://github.com/Dawn-LX/CausalCache-VDM', 'code'],
      ['Sensitivity-Aware Visual Param', 'https://github.com/ziplab/SPT', 'code'],
      ['CE-SSL', 'https://github.com/KAZABANA/CE-SSL', 'code'],
      ['UniPT', 'https://github.com/Paranioar/UniPT', 'code'],
      ['Towards High-Quality and Effic', 'https://github.com/coulsonlee/STDO-CVPR2023.git', 'code'],
      ['GES', 'https://abdullahamdi.com/ges', 'project'],
      ['Hierarchical Patch Compression', 'https://github.com/DngBack/HPC-ColPali', 'code'],
      ['ComPEFT', 'https://github.com/prateeky2806/compeft', 'code'],
      ['SE-MoE', 'https://github.com/PaddlePaddle/Paddle', 'code'],
      ['VL-PET', 'https://github.com/HenryHZY/VL-PET', 'code'],
      ['70% Size, 100% Accuracy: Lossl', 'https://github.com/LeanModels/DFloat11', 'code'],
      ['Compact 3D Gaussian Splatting ', 'https://maincold2.github.io/c3dgs/', 'project'],
      ['Compact 3D Scene Representatio', 'https://fraunhoferhhi.github.io/Self-Organizing-Gaussians/', 'project'],
      ['Name Your Colour For the Task:', 'https://github.com/ryeocthiv/CQFormer', 'code'],
      ['A Lightweight UDF Learning Fra', 'https://jbhu67.github.io/LoSF-UDF.github.io', 'project'],
      ['SPANN', 'https://github.com/microsoft/SPTAG', 'code'],
      ['A Model or 603 Exemplars: Towa', 'https://github.com/wangkiw/ICLR23-MEMO', 'code'],
      ['Scaling Retrieval-Based Langua', 'https://github.com/RulinShao/retrieval-scaling', 'code'],
      ['BitStack', 'https://github.com/xinghaow99/BitStack', 'code'],
      ['Scale Efficient Training for L', 'https://github.com/mrazhou/SeTa', 'code'],
      ['MAMBA', 'https://github.com/guanxiongsun/video_feature_enhancement', 'code'],
      ['Wan', 'https://github.com/Wan-Video/Wan2.1', 'code'],
      ['Spatially-Aware Transformer fo', 'https://github.com/junmokane/spatially-aware-transformer', 'code'],
      ['BurstGPT', 'https://github.com/HPMLL/BurstGPT', 'code'],
      ['Scaling Laws for Data Filterin', 'https://github.com/locuslab/scaling_laws_data_filtering', 'code'],
      ['ETS', 'https://github.com/SqueezeAILab/ETS', 'code'],
      ['Simple linear attention langua', 'https://github.com/HazyResearch/based', 'code'],
      ['BiBench', 'https://github.com/htqin/BiBench', 'code'],
      ['Kinetics', 'https://github.com/Infini-AI-Lab/Kinetics', 'code'],
      ['PrefixKV', 'https://github.com/THU-MIG/PrefixKV', 'code'],
      ['Decoder-Hybrid-Decoder Archite', 'https://github.com/microsoft/ArchScale', 'code'],
    ];
    const rawUrls = text.match(/https?:\/\/[^ \n]*/g) ?? [];
    expect(rawUrls).toHaveLength(39);
    expect(expected).toHaveLength(39);
    const actual = page.papers.flatMap((p) => p.links.map((l) => [p.name ?? p.title.slice(0, 30), l.url, l.kind]));
    expect(actual).toEqual(expected);
  });

  it('keeps URLs intact in the abstract text', () => {
    expect(paper('SPANN').abstract).toContain('Code is available at: https://github.com/microsoft/SPTAG.');
    expect(paper('Wan:').abstract).toContain('https://github.com/Wan-Video/Wan2.1');
    expect(paper('Towards High-Quality').abstract).toContain('https://github.com/coulsonlee/STDO-CVPR2023.git');
  });
});

describe('abstract LaTeX cleaning on the built-in page', () => {
  it('leaves no LaTeX residue in any of the 116 abstracts', () => {
    for (const p of page.papers) {
      const prose = p.abstract.replace(/https?:\/\/\S+/g, '');
      expect(prose, p.title).not.toMatch(/[\\$~{}^]/);
      expect(p.abstract, p.title).not.toMatch(/\s{2}|^\s|\s$/);
      expect(prose, p.title).not.toMatch(/\b(?:prjname|footnotesizeblue|geq|leq)\b|\dtimes|\dsim\d/);
    }
  });

  it('renders each LaTeX construct of the page sensibly', () => {
    expect(paper('Light4GS').abstract).toContain('eliminates over 64% of the deformable primitives');
    expect(paper('EfficientTDNN').abstract).toContain('approximate 10¹³ architectures');
    expect(paper('M-FAC').abstract).toContain('O(dm²) precomputation');
    expect(paper('M-FAC').abstract).toContain('O(dm + m³)');
    expect(paper('eDKM').abstract).toContain('demonstrate that eDKM can fine-tune');
    expect(paper('Efficient Arbitrary Precision').abstract).toContain('up to 2.4× speedup');
    expect(paper('The I/O Complexity').abstract).toContain('N²d²/M I/O operations');
    expect(paper('The I/O Complexity').abstract).toContain('M ≥ d²');
    expect(paper('Compact 3D Scene').abstract).toContain('e.g. on');
    expect(paper('No Token Left Behind').abstract).toContain('Large Language Models (LLMs)');
    expect(paper('No Token Left Behind').abstract).toContain('Mixed-precision KV cache (MiKV)');
    expect(paper('BlockLLM').abstract).toContain('95%ile latency');
    expect(paper('Hierarchical Patch').abstract).toContain('30–50%');
    expect(paper('I-ViT').abstract).toContain('3.72–4.11× inference speedup');
    expect(paper('MemOS').abstract).toContain('knowledge consistency. Existing models');
    expect(paper('FlashAttention-2').abstract).toContain('around 2× speedup');
  });
});

describe('highlights on the built-in page', () => {
  it("quotes SnapKV's claims", () => {
    expect(paper('SnapKV').highlights).toEqual(['3.6x increase in generation speed', '8.2x enhancement in memory efficiency']);
  });

  it('quotes concise claims for a sample of papers', () => {
    const expected: [string, string[]][] = [
      ['Light4GS', ['eliminates over 64% of the deformable primitives', 'over 120x compression', 'increases rendering FPS up to 20%']],
      [
        'ZipCache',
        [
          'KV cache by 4.98×',
          '0.38% drop in accuracy',
          '37.3% reduction in prefill-phase latency',
          '56.9% reduction in decoding-phase latency',
          '19.8% reduction in GPU memory usage',
        ],
      ],
      ['I-ViT', ['3.72–4.11× inference speedup']],
      [
        '70% Size',
        ['reduces LLM size by 30%', 'around 30% model size reduction', '1.9-38.8x higher throughput in token generation', '5.3-13.17x longer context lengths'],
      ],
      ['CityGaussianV2', ['up to 10× compression', 'at least 25% savings in training time', '50% decrease in memory usage']],
      ['ETS', ['1.8× reduction in average KV cache', '1.4× increased throughput']],
      ['vAttention', ['generates tokens up to 1.97x faster', 'processing input prompts up to 3.92x', '1.45x faster']],
      ['ByteScale', ['training system by up to 7.89x']],
      ['LLM in a flash', ['20-25x increase in inference speed']],
      ['ZeRO', ['8x increase in model size', '10x increase in achievable performance']],
      ['Efficient Arbitrary Precision', ['up to 2.4× speedup in matrix multiplication', 'up to 6.7× inference acceleration']],
      ['RT-NeRF', ['9.7x - 3,201x']],
      ['MemOS', []],
      ['Knowledge Grafting', []],
      ['SeiT++', ['90% of the performance', 'only 1% of the storage']],
    ];
    for (const [prefix, hl] of expected) expect(paper(prefix).highlights, prefix).toEqual(hl);
  });

  it('keeps every highlight short, quoted from the abstract, numeric, and at most 5 per paper', () => {
    for (const p of page.papers) {
      expect(p.highlights.length).toBeLessThanOrEqual(5);
      let from = 0;
      for (const h of p.highlights) {
        expect(h.length).toBeLessThanOrEqual(80);
        expect(h).toMatch(/\d/);
        const at = p.abstract.indexOf(h, from);
        expect(at, `${p.title}: "${h}" in order`).toBeGreaterThanOrEqual(0);
        from = at;
      }
    }
  });

  it('skips non-claims: model sizes, years, counts', () => {
    const all = page.papers.flatMap((p) => p.highlights);
    expect(all.some((h) => /^\d+(?:\.\d+)?B$/.test(h))).toBe(false);
    expect(all.some((h) => /^(?:19|20)\d\d$/.test(h))).toBe(false);
    expect(paper('MegaScale').highlights).not.toContain('12,288 GPUs');
  });
});
