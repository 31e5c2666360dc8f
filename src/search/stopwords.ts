/** English function words that carry no topic on their own. Matched against folded, unstemmed words. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing down during each either etc few for from further had has have having he ' +
    'her here hers herself him himself his how however i if in into is it its itself just me more most my myself no ' +
    'nor not now of off on once only or other our ours ourselves out over own same she should so some such than that ' +
    'the their theirs them themselves then there these they this those through thus to too under until up upon us ' +
    'very via was we were what when where which while who whom why will with within without would yet you your yours ' +
    'yourself yourselves'
  ).split(' '),
);

/**
 * Words that frame a request rather than name a topic (`papers on`, `methods for`, `anything
 * about`, `ways to make`). Dropped from queries (never from the index) when other words remain,
 * so a question and its keywords search the same thing.
 */
export const REQUEST_WORDS: ReadonlySet<string> = new Set(
  (
    'paper papers work works research method methods approach approaches technique techniques way ways anything ' +
    'something anyone someone people make making makes known exist exists existing point help looking look find show ' +
    'tell know want need like good best recent latest new stuff thing things study studies idea ideas option options ' +
    'please thanks hey hi'
  ).split(' '),
);
