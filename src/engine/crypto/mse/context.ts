/** What both sides of the handshake draw on: randomness and limits. */
import type { MseLimits } from './limits.js';

export interface HandshakeContext {
  readonly randomBytes: (n: number) => Uint8Array;
  readonly limits: MseLimits;
}

/** A length uniform enough in 0..max (max <= 65535). */
export function randomLength(ctx: HandshakeContext, max: number): number {
  if (max <= 0) return 0;
  const r = ctx.randomBytes(2);
  return ((r[0]! << 8) | r[1]!) % (max + 1);
}

/** PadA/PadB: random bytes of random length, so the DH exchange has no fixed size on the wire. */
export function randomPadding(ctx: HandshakeContext): Uint8Array {
  const n = randomLength(ctx, ctx.limits.maxSendPadding);
  return n === 0 ? new Uint8Array(0) : ctx.randomBytes(n);
}
