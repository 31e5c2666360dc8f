/**
 * Questions and requests in plain words, read as commands. Rule-based and small: a question
 * prefix and filler are dropped (`anything on`, `papers about`, `I am looking for work on`),
 * `with code` becomes `--code`, `new` / `today` / `this week` ask for the newest papers,
 * `similar to X` is `similar X`, `who wrote X` / `code for X` name a paper. Pure.
 */

/** Leading words of a question or request, up to the topic (longest first where they overlap). */
const PREFIXES: RegExp[] = [
  /^(?:hey |hi |please |pls )+/,
  /^(?:can|could|would) you (?:please )?(?:show|find|get|give|tell|list)(?: me)?(?: some| any| the)? /,
  /^(?:can|could|would) you (?:please )?(?:point (?:me|us) (?:to|at)|recommend|suggest|share)(?: me| us)?(?: some| any| the| a few| good)? /,
  /^(?:i am|i'm|im|we are|we're) (?:looking|searching) for /,
  /^(?:i am|i'm|im|we are|we're) (?:after|interested in|curious about|trying to find) /,
  /^(?:i|we) (?:want|need|would like) (?:to (?:read|see|find) )?/,
  /^(?:is|are) there (?:any(?:thing)?|some(?:thing)?|papers?|work)? ?/,
  /^how (?:do|can|could|should|would|to) (?:i |we |you |one )?/,
  /^(?:do|does) (?:you|paperboy) have (?:any(?:thing)?|some(?:thing)?|papers?)? ?/,
  /^what(?:'s| is| are)? (?:there|new|the (?:latest|best|newest)|some|good) ?/,
  /^(?:show|find|get|give|list|tell)(?: me)?(?: some| any| the)? /,
  /^(?:any(?:thing)?|something|some|recent|good|interesting) /,
];
/** Words for what is asked about, before the topic: `papers on`, `work about`, `research into`. */
const TOPIC_LEAD = /^(?:(?:new |recent |latest |good )?(?:papers?|work|research|studies|articles|stuff|things|results|methods|approaches)\s+)?(?:on|about|regarding|related to|concerning|into|in|for|with|around)\s+/;

export interface Understood {
  /** Command text to run instead (`search speculative decoding --code`). */
  command: string;
}

function clean(text: string): string {
  return text
    .replace(/[?!.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The topic words of a question, prefix and filler dropped (may be empty). */
function topicOf(lower: string): string {
  let t = lower;
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of PREFIXES) {
      const next = t.replace(p, '');
      if (next !== t) {
        t = next;
        changed = true;
      }
    }
  }
  return t.replace(TOPIC_LEAD, '').replace(/^(?:the|a|an) /, '').trim();
}

/** Whether free text reads as a question or request rather than keywords. */
export function looksLikeQuestion(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return (
    /\?$/.test(lower) ||
    PREFIXES.some((p) => p.test(lower)) ||
    /^(?:who|what|which|where|how|why|when)\b/.test(lower) ||
    /^(?:(?:new|latest|newest|recent) )?(?:papers?|work|research) (?:on|about)\b/.test(lower) ||
    /^(?:code|repo|repository|github|implementation) (?:for|of)\b/.test(lower)
  );
}

/**
 * A command for free text that reads as a question or request, or undefined when it does not
 * (keywords are searched as they are). `text` is the whole message; it was no command.
 */
export function understand(text: string): Understood | undefined {
  const raw = clean(text);
  const lower = raw.toLowerCase();
  if (!looksLikeQuestion(text) && !/\bwith code\b|\bsimilar to\b/.test(lower)) return undefined;

  let m = /^(?:who (?:wrote|authored|made|is behind)|(?:the )?authors? of) (.+)$/.exec(lower);
  if (m) return { command: `show ${raw.slice(raw.length - m[1]!.length)}` };
  m = /^(?:(?:where is |is there |what is )?(?:the )?(?:code|repo|repository|github|implementation) (?:for|of) )(.+)$/.exec(lower);
  if (m) return { command: `show ${raw.slice(raw.length - m[1]!.length)}` };
  m = /(?:^|\s)(?:similar to|papers like|more like|like) (.+)$/.exec(lower);
  if (m && /similar to|papers like|more like/.test(lower)) return { command: `similar ${raw.slice(raw.length - m[1]!.length)}` };

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
  if (fresh) return { command: ['new', topic, week ? '--days 7' : ''].filter(Boolean).join(' ') };
  if (topic === '') return undefined;
  return { command: `search ${topic}${code ? ' --code' : ''}` };
}
