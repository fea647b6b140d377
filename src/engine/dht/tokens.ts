/**
 * get_peers tokens (BEP 5): a token proves the announcer asked us from the same IP address a
 * short while ago. It is SHA-1 over a secret, the address and the infohash; the secret rotates
 * every `tokenRotateMs` and tokens from the previous secret are still accepted, so a token lives
 * between one and two periods (BEP 5: "tokens up to ten minutes old are accepted").
 */
import { concat, equalBytes, utf8 } from '../util/bytes.js';
import type { Clock } from '../util/clock.js';
import { sha1 } from '../util/sha1.js';

/** Eight bytes are plenty against guessing and keep packets small (libtorrent uses 4). */
const TOKEN_LENGTH = 8;

export class TokenIssuer {
  private current: Uint8Array;
  private previous: Uint8Array;
  private rotatedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly randomBytes: (n: number) => Uint8Array,
    private readonly rotateMs: number,
  ) {
    this.current = randomBytes(20).slice(0, 20);
    this.previous = randomBytes(20).slice(0, 20);
    this.rotatedAt = clock.now();
  }

  /** The token for `host` (the IP only: the announcer's port may change) and `infoHash`. */
  issue(host: string, infoHash: Uint8Array): Uint8Array {
    this.rotate();
    return this.compute(this.current, host, infoHash);
  }

  validate(token: Uint8Array, host: string, infoHash: Uint8Array): boolean {
    this.rotate();
    if (token.length !== TOKEN_LENGTH) return false;
    return equalBytes(token, this.compute(this.current, host, infoHash)) || equalBytes(token, this.compute(this.previous, host, infoHash));
  }

  private rotate(): void {
    const now = this.clock.now();
    const periods = Math.floor((now - this.rotatedAt) / this.rotateMs);
    if (periods <= 0) return;
    // After two or more idle periods, the old "previous" secret is too old as well.
    this.previous = periods === 1 ? this.current : this.randomBytes(20).slice(0, 20);
    this.current = this.randomBytes(20).slice(0, 20);
    this.rotatedAt += periods * this.rotateMs;
  }

  private compute(secret: Uint8Array, host: string, infoHash: Uint8Array): Uint8Array {
    return sha1(concat([secret, utf8(host), infoHash])).subarray(0, TOKEN_LENGTH);
  }
}
