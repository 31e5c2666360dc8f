/**
 * Questions and requests in plain words, read as commands. Rule-based and small: a question
 * prefix and filler are dropped (`anything on`, `papers about`, `I am looking for work on`),
 * `with code` becomes `--code`, `new` / `today` / `this week` ask for the newest papers,
 * `similar to X` / `something like X` is `similar X`, `who wrote X` / `code for X` name a paper,
 * `papers by X` searches by author, `what is trending` is `trending`; a paper described in words
 * (`the paper about X`, `that X paper`) is `show` of the description (see `describedTopic`). Pure.
 */

import { describedTopic } from '../commands/pick.ts';

/** Leading words of a question or request, up to the topic (longest first where they overlap). */
const PREFIXES: RegExp[] = [
  /^(?:(?:hey|hi|hello|please|pls)[,!]? )+/,
  /^(?:can|could|would) you (?:please )?(?:show|find|get|give|tell|list)(?: me)?(?: some| any| the)? /,
  /^(?:can|could|would) you (?:please )?(?:point (?:me|us) (?:to|at)|recommend|suggest|share)(?: me| us)?(?: some| any| the| a few| good)? /,
  /^(?:i am|i'm|im|we are|we're) (?:looking|searching) for /,
  /^(?:i am|i'm|im|we are|we're) (?:after|interested in|curious about|trying to find) /,
  /^(?:i|we) (?:want|need|would like) (?:to (?:read|see|find) )?/,
  /^(?:recommend|suggest)(?: me| us)?(?: some| any| the| a few| good)? /,
  /^(?:is|are) there (?:any(?:thing)?|some(?:thing)?|papers?|work)? ?/,
  /^how (?:do|can|could|should|would|to) (?:i |we |you |one )?/,
  /^(?:do|does) (?:you|paperboy) have (?:any(?:thing)?|some(?:thing)?|papers?)? ?/,
  /^what(?:'s| is| are)? (?:there|new|the (?:latest|best|newest)|some|good) ?/,
  /^(?:show|find|get|give|list|tell)(?: me)?(?: some| any| the)? /,
  /^(?:any(?:thing)?|something|some|recent|good|interesting) /,
];
/** Words for what is asked about, before the topic: `papers on`, `work about`, `research into`. */
const TOPIC_LEAD =
  /^(?:(?:new |recent |latest |good )?(?:papers?|work|research|studies|articles|stuff|things|results|methods|approaches)\s+)?(?:on|about|regarding|related to|concerning|into|in|for|with|around)\s+/;
/**
 * `something like X`, `papers similar to X`, `recommend papers like X`: a paper to find neighbours
 * of. Only as the whole request: `llms behave more like humans` is a search.
 */
const LIKE =
  /^(?:(?:recommend|suggest|find|show|give|get)(?: me| us)? )?(?:(?:any|some|other) )?(?:(?:papers?|something|anything|stuff|work|ones|more|others) )?(?:similar to|like) (.+)$/;
/** `more like this`: the paper of the last reply (a follow-up), not a paper called "this". */
const THIS = /^(?:this|that|it|this one|that one|these|those)$/;
/** `papers by X`, `anything by X`: an author, when nothing else is asked. */
const BY_AUTHOR = /^(?:(?:any|some|new|recent|latest|the) )?(?:papers?|work|research|anything|something|stuff|articles)(?: written)? by (.+)$/;
/** `papers by date`: an order, not an author. */
const NOT_AUTHOR = /^(?:date|year|time|votes?|upvotes|popularity|relevance|topic|area|field|category|subject)\b/;
/** `papers from last week`: the newest papers. */
const FROM_TIME = /^(?:(?:any|new|recent|latest) )?(?:papers?|work|research) from (today|yesterday|this week|last week|the (?:past|last) week)$/;
/** `2404.14469`, `arXiv:2404.14469v2`, an arxiv.org or huggingface.co/papers link. */
const ARXIV_REF = /^(?:https?:\/\/)?(?:(?:www\.)?arxiv\.org\/(?:abs|pdf)\/|(?:www\.)?huggingface\.co\/papers\/|arxiv:)?\d{4}\.\d{4,5}(?:v\d+)?(?:\.pdf)?\/?$/i;
/** `what is trending`, `hot papers today`: the trending list. */
const TRENDING =
  /^(?:what(?:'s| is| are)?(?: the)? |anything |show (?:me )?(?:the )?)?(?:trending|hot|popular|most upvoted)(?: (?:papers?|work|research|things|stuff))?(?: (right now|now|today|this week|lately))?$/;
/** `code for X`, `is there any code for X`: the paper X (its reply links the code). */
const CODE_FOR =
  /^(?:(?:where is |where's |is there (?:any )?|are there any |any |got any |what is )?(?:the )?(?:code|repo|repository|github|implementation)s? (?:for|of) )(.+)$/;

export interface Understood {
  /** Command text to run instead (`search speculative decoding --code`). */
  command: string;
  /** What the question asks of the paper it shows (`who wrote X`: its authors), to say when that is unknown. */
  asks?: 'authors' | 'code';
  /** The paper `command` names (`code for X` -> `show X`: X), to be checked before running it. */
  paper?: string;
  /**
   * Run this instead when `paper` is not exactly one paper by its name, id or title (a close
   * spelling is not enough: `explain lora` lists LoRA papers rather than open LoRAM), or when
   * `command` finds nothing (`new papers on X` where no paper has a date: `search X`).
   */
  otherwise?: string;
}

/** `what is X`, `explain X`, `tell me about X`, `how does X work`: about one paper when X names one. */
const EXPLAIN = /^(?:what(?:'s| is| are) |explain |summari[sz]e |describe |tell (?:me|us) (?:more )?about |how (?:does|do) )(.+?)(?: work| works| do| does)?$/;
/** What `what is …` asks when it is not about a paper: `what is new`, `what is there on X`. */
const NOT_A_NAME = /^(?:there|new|the (?:latest|best|newest)|trending|hot|popular|some|good|out there|happening)\b/;

/** `show me X`: the topic words after it ask for papers (`show me papers on X`), not a paper named X. */
const ASKS_FOR_PAPERS =
  /^(?:(?:some|any|the|all|new|recent|latest|good|great|interesting|more) )*(?:papers?|work|research|stuff|things|articles|results|methods|approaches|anything|something|everything|what|how|whatever)\b/;

function clean(text: string): string {
  return text
    .replace(/[?!.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The topic words of a question, prefix and filler dropped (may be empty). */
function topicOf(lower: string): string {
  let t = lower;
  for (let changed = true; changed;) {
    changed = false;
    for (const p of PREFIXES) {
      const next = t.replace(p, '');
      if (next !== t) {
        t = next;
        changed = true;
      }
    }
  }
  return t
    .replace(TOPIC_LEAD, '')
    .replace(/^(?:the|a|an) /, '')
    .trim();
}

/**
 * Whether text that starts with a command word is a request in plain words all the same:
 * `show me papers on X`, `find us work on X`, `code for X` (no paper is called "me X" or "for X").
 */
export function commandWordRequest(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return (
    /^(?:show|find|get|give|list) (?:me|us)\b/.test(lower) ||
    /^(?:code|repos?|repository|implementation) (?:for|of)\b/.test(lower) ||
    /^(?:hot|latest|new|trending) (?:papers?|work|research|stuff)\b/.test(lower) ||
    /^(?:similar|related) to\b/.test(lower)
  );
}

/** Whether free text reads as a question or request rather than keywords. */
export function looksLikeQuestion(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return (
    /\?$/.test(lower) ||
    PREFIXES.some((p) => p.test(lower)) ||
    /^(?:who|what|which|where|how|why|when)\b/.test(lower) ||
    /^(?:(?:new|latest|newest|recent) )?(?:papers?|work|research) (?:on|about|by)\b/.test(lower) ||
    FROM_TIME.test(lower.replace(/[?!.]+$/, '')) ||
    /^(?:explain|summari[sz]e|describe) \S/.test(lower) ||
    /^(?:code|repo|repository|github|implementation) (?:for|of)\b/.test(lower) ||
    LIKE.test(lower) ||
    TRENDING.test(lower.replace(/[?!.]+$/, ''))
  );
}

/**
 * A command for free text that reads as a question or request, or undefined when it does not
 * (keywords are searched as they are). `text` is the whole message; it was no command.
 */
export function understand(text: string): Understood | undefined {
  const raw = clean(text);
  const lower = raw.toLowerCase();
  // A pasted arXiv id or link is the paper it names.
  if (ARXIV_REF.test(raw)) return { command: `show ${raw}` };
  // `the paper about zipcache`, `that KV cache paper`: one paper, found by a search for its words.
  if (describedTopic(raw) !== undefined) return { command: `show ${raw}` };
  if (!looksLikeQuestion(text) && !/\bwith code\b/.test(lower)) return undefined;
  // The words after a lead, as typed (their capitals).
  const tail = (m: RegExpExecArray): string => raw.slice(raw.length - m[1]!.length);

  let m = /^(?:who (?:wrote|authored|made|is behind|are the authors of)|(?:the )?authors? of) (.+)$/.exec(lower);
  if (m) return { command: `show ${tail(m)}`, asks: 'authors' };
  m = CODE_FOR.exec(lower);
  if (m) return { command: `show ${tail(m)}`, asks: 'code', paper: tail(m), otherwise: `code ${tail(m)}` };
  // `show me SnapKV`, `show me 2`: the command, said politely.
  m = /^show (?:me|us) (.+)$/.exec(lower);
  if (m && describedTopic(m[1]!) !== undefined) return { command: `show ${tail(m)}` };
  if (m && !ASKS_FOR_PAPERS.test(m[1]!)) {
    return /^(?:the )?\S+(?: one)?$/.test(m[1]!) && /\d|first|second|third|fourth|fifth|last/.test(m[1]!)
      ? { command: `show ${tail(m)}` }
      : { command: `show ${tail(m)}`, paper: tail(m), otherwise: `search ${tail(m)}` };
  }
  m = EXPLAIN.exec(lower);
  if (m && !NOT_A_NAME.test(m[1]!) && !ASKS_FOR_PAPERS.test(m[1]!)) {
    // The name as typed (`how does ZipCache work`: the words before "work").
    const at = lower.indexOf(m[1]!, lower.length - m[1]!.length - ' works'.length - 1);
    const name = at >= 0 ? raw.slice(at, at + m[1]!.length) : m[1]!;
    return { command: `show ${name}`, paper: name, otherwise: `search ${name}` };
  }
  m = TRENDING.exec(lower);
  if (m) return { command: m[1] === 'today' ? 'trending --days 1' : 'trending' };
  m = FROM_TIME.exec(lower);
  if (m) return { command: /today|yesterday/.test(m[1]!) ? 'new' : 'new --days 7' };
  m = BY_AUTHOR.exec(lower) ?? BY_AUTHOR.exec(topicOf(lower)) ?? /^by (.+)$/.exec(topicOf(lower));
  if (m && !NOT_AUTHOR.test(m[1]!)) return { command: byAuthor(tail(m)) };
  m = LIKE.exec(lower);
  if (m) {
    if (THIS.test(m[1]!)) return { command: 'similar' };
    // `papers like SnapKV but for vision`: the paper is the part before "but".
    const name = tail(m)
      .split(/ (?:but|except|only|and also) /i)[0]!
      .trim();
    return { command: `similar ${name}`, paper: name, otherwise: `search ${name}` };
  }

  const code = /\bwith (?:code|a repo|github)\b/.test(lower);
  let topic = topicOf(lower.replace(/\s*\bwith (?:code|a repo|github)\b\s*/, ' ').trim());
  const week = /\b(?:this|past|last) week\b/.test(topic);
  const fresh =
    week ||
    /^(?:new|latest|newest|recent)\b|\b(?:today|lately|recently)\b/.test(topic) ||
    /\b(?:new|latest|newest|recent) (?:papers?|work|research)\b|^(?:anything |something )?(?:new|latest)\b|^what(?:'s| is) new\b/.test(lower);
  topic = topic
    .replace(/\b(?:this|past|last) week\b|\btoday\b|\blately\b|\brecently\b/g, ' ')
    .replace(/^(?:new|latest|newest|recent)\b/, ' ')
    .replace(TOPIC_LEAD, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(TOPIC_LEAD, '')
    .trim();
  // The topic as typed (its capitals), when it stands in the text as is.
  const at = topic ? lower.lastIndexOf(topic) : -1;
  if (at >= 0) topic = raw.slice(at, at + topic.length);
  if (fresh) {
    const command = ['new', topic, week ? '--days 7' : ''].filter(Boolean).join(' ');
    return topic ? { command, otherwise: `search ${topic}${code ? ' --code' : ''}` } : { command };
  }
  if (topic === '') return undefined;
  return { command: `search ${topic}${code ? ' --code' : ''}` };
}

/**
 * `search` for `papers by <rest>`: the name runs up to a topic (`on attention`), `with code`, a
 * time (`this week`) or a flag; those keep their meaning. Quotes around the topic are kept.
 */
function byAuthor(rest: string): string {
  let text = rest;
  const flags: string[] = [];
  const dash = text.search(/(?:^|\s)--[a-z]/i);
  if (dash >= 0) {
    flags.push(text.slice(dash).trim());
    text = text.slice(0, dash);
  }
  if (/\bwith (?:code|a repo|github)\b/i.test(text)) {
    flags.push('--code');
    text = text.replace(/\s*\bwith (?:code|a repo|github)\b/i, ' ');
  }
  const when = /\s*\b(this week|last week|the past week|recently|lately|today)\b/i.exec(text);
  if (when) {
    flags.push(/today/i.test(when[1]!) ? '--since 1d' : '--since 7d');
    text = text.replace(when[0], ' ');
  }
  const [name = '', about] = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/ (?:on|about|regarding) /i, 2);
  const author = name.replace(/"/g, '').trim();
  return ['search', about?.trim(), `--author "${author}"`, ...flags].filter(Boolean).join(' ');
}
