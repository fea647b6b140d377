export class InvariantError extends Error {}
export interface FuzzTargetSpec {
  run(input: Uint8Array): void;
  maxLength: number;
  words: string[];
}
export const TARGETS: Record<string, FuzzTargetSpec>;
