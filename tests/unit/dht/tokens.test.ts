import { describe, expect, it } from 'vitest';
import { TokenIssuer } from '../../../src/engine/dht/tokens.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { id, seededBytes } from './helpers.js';

const ROTATE = 5 * 60_000;
const hash = id(0x22);

function issuer() {
  const clock = new ManualClock(0);
  return { clock, tokens: new TokenIssuer(clock, seededBytes(1), ROTATE) };
}

describe('get_peers tokens (BEP 5)', () => {
  it('token_is_valid_for_the_same_ip', () => {
    const { tokens } = issuer();
    expect(tokens.validate(tokens.issue('127.0.0.1', hash), '127.0.0.1', hash)).toBe(true);
  });

  it('token_from_another_ip_is_refused', () => {
    const { tokens } = issuer();
    expect(tokens.validate(tokens.issue('127.0.0.1', hash), '127.0.0.2', hash)).toBe(false);
  });

  it('token_for_another_infohash_is_refused', () => {
    const { tokens } = issuer();
    expect(tokens.validate(tokens.issue('127.0.0.1', hash), '127.0.0.1', id(0x23))).toBe(false);
  });

  it('token_survives_one_rotation', () => {
    const { clock, tokens } = issuer();
    const token = tokens.issue('127.0.0.1', hash);
    clock.advance(ROTATE + 1);
    expect(tokens.validate(token, '127.0.0.1', hash)).toBe(true);
  });

  it('token_expires_after_two_rotations', () => {
    const { clock, tokens } = issuer();
    const token = tokens.issue('127.0.0.1', hash);
    clock.advance(ROTATE);
    tokens.issue('127.0.0.1', hash);
    clock.advance(ROTATE);
    expect(tokens.validate(token, '127.0.0.1', hash)).toBe(false);
  });

  it('token_expires_after_a_long_idle_time', () => {
    const { clock, tokens } = issuer();
    const token = tokens.issue('127.0.0.1', hash);
    clock.advance(ROTATE * 5);
    expect(tokens.validate(token, '127.0.0.1', hash)).toBe(false);
  });

  it('garbage_token_is_refused', () => {
    const { tokens } = issuer();
    expect(tokens.validate(new Uint8Array(8), '127.0.0.1', hash)).toBe(false);
    expect(tokens.validate(new Uint8Array(0), '127.0.0.1', hash)).toBe(false);
  });
});
