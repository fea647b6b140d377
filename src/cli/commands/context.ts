/** What a command may touch of the process: injected so output can be captured. */
export interface CommandContext {
  /** Write to stdout as is. */
  out(text: string): void;
  /** One line to stderr, prefixed `torrentedge: `. */
  warn(line: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width (0 when unknown). */
  columns(): number;
}
