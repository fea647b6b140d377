/** Types for tests/fuzz (the harness is plain JavaScript over build/, like bench/). */
export interface FuzzCrash {
  input: Uint8Array;
  error: unknown;
  signature: string;
}
export interface FuzzResult {
  name: string;
  iterations: number;
  kept: number;
  blocks: number;
  corpusSize: number;
  crashes: FuzzCrash[];
}
export interface FuzzOptions {
  name: string;
  seed: number;
  iterations?: number;
  deadline?: number;
  coverage?: boolean;
  slowMs?: number;
  beforeRun?: (input: Uint8Array) => void;
  onCrash?: (crash: FuzzCrash) => void;
}
export const FUZZ_DIR: string;
export function loadInputs(kind: 'corpus' | 'regressions' | 'crashes', target: string): { name: string; bytes: Uint8Array }[];
export function signature(error: unknown): string;
export function runOne(target: { run(input: Uint8Array): void }, input: Uint8Array, slowMs?: number): { error: unknown; signature: string } | null;
export function fuzzTarget(options: FuzzOptions): Promise<FuzzResult>;
