import { z } from 'zod';

/** A link found in a paper's abstract. */
export const PaperLinkSchema = z.object({
  url: z.string().url(),
  /** `code` for source repositories (GitHub, GitLab, ...), `project` for project pages, `other` otherwise. */
  kind: z.enum(['code', 'project', 'other']),
});
export type PaperLink = z.infer<typeof PaperLinkSchema>;

/** Where a paper record came from. */
export const PaperSourceSchema = z.object({
  /** File the paper was parsed from (as given, not resolved). */
  file: z.string(),
  /** 1-based line of the title in that file. */
  line: z.number().int().positive(),
  /** Page date as printed on the page (`Aug 8`), when the page had one. */
  date: z.string().optional(),
});
export type PaperSource = z.infer<typeof PaperSourceSchema>;

/** One research paper, display-clean and validated. */
export const PaperSchema = z.object({
  /** Stable slug derived from the title: survives reloads and re-orderings. */
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  title: z.string().min(1),
  /** Short name when the title has one (`SnapKV`, `E²GAN`). */
  name: z.string().min(1).optional(),
  /** Other names the abstract introduces (`GraftLLM`, `MiKV`). */
  aliases: z.array(z.string().min(1)),
  /** Abstract as plain text (LaTeX removed). */
  abstract: z.string().min(1),
  links: z.array(PaperLinkSchema),
  /** Quantitative claims quoted from the abstract (`over 120x compression`). */
  highlights: z.array(z.string().min(1)),
  /** Every place the paper was seen (several when merged from several pages). */
  sources: z.array(PaperSourceSchema).min(1),
});
export type Paper = z.infer<typeof PaperSchema>;
