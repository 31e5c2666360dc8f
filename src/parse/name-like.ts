const enum Kind {
  Other = 0,
  Lower = 1,
  Upper = 2,
  Digit = 3,
}

function kindOf(ch: string): Kind {
  const c = ch.charCodeAt(0);
  if (c >= 97 && c <= 122) return Kind.Lower;
  if (c >= 65 && c <= 90) return Kind.Upper;
  if (c >= 48 && c <= 57) return Kind.Digit;
  if (c < 128) return Kind.Other;
  if (/\p{Ll}/u.test(ch)) return Kind.Lower;
  if (/\p{Lu}/u.test(ch)) return Kind.Upper;
  if (/\p{N}/u.test(ch)) return Kind.Digit; // includes superscript digits (E²GAN)
  if (/\p{L}/u.test(ch)) return Kind.Lower;
  return Kind.Other;
}

/**
 * Word-shape test shared by name and alias extraction. A "strong" token looks like a coined
 * name rather than an English word: camel case inside a word (`SnapKV`, `eDKM`, `vAttention`),
 * letters mixed with digits (`Light4GS`, `R2D2`, `E²GAN`), or an acronym of two or more capitals
 * (`NOLA`, `OFVL-MS`). Bare dimension/size tokens (`3D`, `7B`, `1.3B`) are not strong.
 * A single pass over the characters (it runs on every candidate word of 100k-paper corpora).
 */
export function isStrongToken(token: string): boolean {
  let end = token.length;
  while (end > 0 && token.charCodeAt(end - 1) === 43 /* + */) end--;
  if (end === 0) return false;
  let letters = 0;
  let camel = false;
  let acronym = false;
  let mixed = false;
  let prev = Kind.Other;
  let i = 0;
  for (const ch of token.slice(0, end)) {
    const k = kindOf(ch);
    if (k === Kind.Other) {
      // Only `.`, `-` and `/` may join the parts of a name, and never start it.
      if (i === 0 || (ch !== '.' && ch !== '-' && ch !== '/')) return false;
    } else {
      if (k !== Kind.Digit) letters++;
      if (prev === Kind.Lower && k === Kind.Upper) camel = true;
      if (prev === Kind.Upper && k === Kind.Upper) acronym = true;
      if ((prev === Kind.Digit && k !== Kind.Digit) || (k === Kind.Digit && prev !== Kind.Digit && prev !== Kind.Other)) mixed = true;
    }
    prev = k;
    i++;
  }
  if (letters < 2) return false;
  if (camel || acronym) return !isSizeToken(token);
  return mixed && !isSizeToken(token);
}

/** `3D`, `7B`, `1.3B`, `10x`: a number with a one- or two-letter unit. */
function isSizeToken(token: string): boolean {
  return /^\d+(?:\.\d+)?[A-Za-z]{1,2}$/.test(token);
}

/** A plain capitalised word (`Curator`, `Kinetics`, `Cache-Craft`): capital first, then lowercase letters. */
export function isCapitalisedWord(token: string): boolean {
  return /^\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)*$/u.test(token);
}

/**
 * Acronyms and terms so common in this field that they never name one particular paper's work,
 * even when an abstract introduces them (`Large Language Models (LLMs)`).
 */
const GENERIC = new Set(
  [
    'llm',
    'llms',
    'lm',
    'lms',
    'plms',
    'gpu',
    'gpus',
    'cpu',
    'cpus',
    'tpu',
    'npu',
    'kv',
    'kvs',
    'ai',
    'agi',
    'ml',
    'dl',
    'nlp',
    'cv',
    'rl',
    'rag',
    'moe',
    'moes',
    'dnn',
    'dnns',
    'cnn',
    'cnns',
    'rnn',
    'gan',
    'gans',
    'vae',
    'vit',
    'vits',
    'nerf',
    'nerfs',
    '3dgs',
    '4dgs',
    '2dgs',
    'gs',
    'sota',
    'api',
    'apis',
    'io',
    'i/o',
    'flops',
    'peft',
    'lora',
    'petl',
    'ssd',
    'ssds',
    'hbm',
    'sram',
    'dram',
    'nvme',
    'ram',
    'fps',
    'mfu',
    'qa',
    'vqa',
    'ir',
    'nas',
    'pca',
    'ssl',
    'fl',
    'ssm',
    'ssms',
    'mlp',
    'mlps',
    'gpt',
    'bert',
    'clip',
    'hpc',
    'ann',
    'nns',
    'knn',
    'cad',
    'ecg',
    'url',
    'gb',
    'mb',
    'tb',
    'vdm',
    'vdms',
    'lfm',
    'lfms',
    'vlm',
    'vlms',
    'mllm',
    'mllms',
    'cot',
    'cots',
    'tts',
    'cag',
    'icl',
    'pq',
    'vq',
    'snn',
    'snns',
    'sr',
    'cxl',
    'mha',
    'mqa',
    'gqa',
    'iot',
    'ar',
    'vr',
    'ar/vr',
    'xr',
  ].map((w) => w.toLowerCase()),
);

/** True for field-wide acronyms/terms that should never be a paper's name or alias. */
export function isGenericTerm(token: string): boolean {
  return GENERIC.has(token.toLowerCase());
}
