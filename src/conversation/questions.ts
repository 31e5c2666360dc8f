/**
 * Questions and requests in plain words, read as commands. Rule-based and small: a question
 * prefix and filler are dropped (`anything on`, `papers about`, `I am looking for work on`),
 * `with code` becomes `--code`, `new` / `today` / `this week` ask for the newest papers,
 * `similar to X` / `something like X` is `similar X`, `who wrote X` / `code for X` name a paper,
 * `papers by X` searches by author, `what is trending` is `trending`. Pure.
 */

/** Leading words of a question or request, up to the topic (longest first where they overlap). */
const PREFIXES: RegExp[] = [
  /^(?:hey |hi |please |pls )+/,
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
const TOPIC_LEAD = /^(?:(?:new |recent |latest |good )?(?:papers?|work|research|studies|articles|stuff|things|results|methods|approaches)\s+)?(?:on|about|regarding|related to|concerning|into|in|for|with|around|from)\s+/;
/** `something like X`, `papers similar to X`: a paper to find neighbours of. */
const LIKE = /(?:^|\s)(?:similar to|(?:papers?|something|anything|stuff|work|ones|more) like) (.+)$/;
/** `papers by X`, `anything by X`: an author, when nothing else is asked. */
const BY_AUTHOR = /^(?:(?:any|some|new|recent|latest|the) )?(?:papers?|work|research|anything|something|stuff|articles)(?: written)? by (.+)$/;
/** `what is trending`, `hot papers today`: the trending list. */
const TRENDING = /^(?:what(?:'s| is| are)?(?: the)? |anything |show (?:me )?(?:the )?)?(?:trending|hot|popular|most upvoted)(?: (?:papers?|work|research|things|stuff))?(?: (right now|now|today|this week|lately))?$/;
/** `code for X`, `is there any code for X`: the paper X (its reply links the code). */
const CODE_FOR = /^(?:(?:where is |where's |is there (?:any )?|are there any |any |got any |what is )?(?:the )?(?:code|repo|repository|github|implementation)s? (?:for|of) )(.+)$/;

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

/**
 * Whether text that starts with a command word is a request in plain words all the same:
 * `show me papers on X`, `find us work on X`, `code for X` (no paper is called "me X" or "for X").
 */
export function commandWordRequest(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return (
    /^(?:show|find|get|give|list) (?:me|us)\b/.test(lower) ||
    /^(?:code|repos?|repository|implementation) (?:for|of)\b/.test(lower) ||
    /^(?:hot|latest|new|trending) (?:papers?|work|research|stuff)\b/.test(lower)
  );
}

/** Whether free text reads as a question or request rather than keywords. */
export function looksLikeQuestion(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return (
    /\?$/.test(lower) ||
    PREFIXES.some((p) => p.test(lower)) ||
    /^(?:who|what|which|where|how|why|when)\b/.test(lower) ||
    /^(?:(?:new|latest|newest|recent) )?(?:papers?|work|research) (?:on|about|by|from)\b/.test(lower) ||
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
  if (!looksLikeQuestion(text) && !/\bwith code\b/.test(lower)) return undefined;
  // The words after a lead, as typed (their capitals).
  const tail = (m: RegExpExecArray): string => raw.slice(raw.length - m[1]!.length);

  let m = /^(?:who (?:wrote|authored|made|is behind|are the authors of)|(?:the )?authors? of) (.+)$/.exec(lower);
  if (m) return { command: `show ${tail(m)}` };
  m = CODE_FOR.exec(lower);
  if (m) return { command: `show ${tail(m)}` };
  m = TRENDING.exec(lower);
  if (m) return { command: m[1] === 'today' ? 'trending --days 1' : 'trending' };
  m = BY_AUTHOR.exec(lower) ?? /^by (.+)$/.exec(topicOf(lower));
  if (m) {
    // `papers by Tri Dao on attention`: the name, then what about.
    const [name, about] = tail(m).replace(/"/g, '').split(/ (?:on|about|regarding) /i, 2);
    return { command: `search ${about ? `${about} ` : ''}--author "${name}"` };
  }
  m = LIKE.exec(lower);
  if (m) return { command: `similar ${tail(m)}` };

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
