import type { Reply } from '../reply/reply.ts';

/**
 * The paper a reply is about when it is about exactly one, so a reaction on it is a vote for that
 * paper: a `show` reply, a paper of the day, a digest or alert that carries a single paper. Lists
 * of several papers, and replies that did not resolve a name (candidates), are about none. Pure.
 */
export function votablePaperId(reply: Reply): string | undefined {
  if (reply.tone === 'error') return undefined;
  const cards = reply.blocks.filter((b) => b.kind === 'paper');
  if (cards.length !== 1 || cards[0]?.kind !== 'paper') return undefined;
  const card = cards[0].paper;
  const d = reply.data;
  if (d?.type === 'paper') return d.paper.id === card.id ? card.id : undefined;
  if (d?.type === 'results') return d.match === undefined && d.results.length === 1 && d.results[0]?.id === card.id ? card.id : undefined;
  return undefined;
}
