/** How any failure is shown: one line, prefixed, no stack; and which exit code it means. */
import { UsageError } from './args.js';
import { InterruptedError } from './interrupted.js';

/** One line, whatever the error: messages may carry newlines. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return `torrentedge: ${line || 'unexpected error'}`;
}

/** 2 usage error, 130/143 interrupted, 1 anything else. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof InterruptedError) return error.exitCode;
  return 1;
}
