/** Something odd in a page file: reported with its place, then skipped while the rest loads. */
export interface ParseProblem {
  /** File as given to the parser. */
  file: string;
  /** 1-based line the problem starts on. */
  line: number;
  message: string;
}
