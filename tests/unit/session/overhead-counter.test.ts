import { describe, expect, it } from 'vitest';
import { OverheadCounter, type WireBytes } from '../../../src/engine/session/overhead-counter.js';
import { TokenBucket } from '../../../src/engine/session/rate-limiter.js';
import { ManualClock } from '../../../src/engine/util/clock.js';

function conn(): WireBytes & { bytesReceived: number; bytesSent: number; downloaded: { total: number }; uploaded: { total: number } } {
  return { bytesReceived: 0, bytesSent: 0, downloaded: { total: 0 }, uploaded: { total: 0 } };
}

describe('protocol overhead in the global limits', () => {
  it('charges wire bytes that are not payload, once each, to the global buckets', () => {
    const clock = new ManualClock(0);
    const down = new TokenBucket({ rate: 10_000, clock });
    const up = new TokenBucket({ rate: 10_000, clock });
    const counter = new OverheadCounter({ download: [down], upload: [up] });
    const a = conn();
    const b = conn();
    // a: a handshake and a bitfield in, then 3 blocks with their 13-byte headers; b: REQUESTs out.
    a.bytesReceived = 68 + 40 + 3 * (16_384 + 13);
    a.downloaded.total = 3 * 16_384;
    b.bytesSent = 68 + 10 * 17;
    counter.charge([a, b]);
    expect(counter.totalDown).toBe(68 + 40 + 39);
    expect(counter.totalUp).toBe(68 + 170);
    // Nothing new: nothing charged again.
    counter.charge([a, b]);
    expect(counter.totalDown).toBe(147);
    // More headers later; a closed connection no longer listed is simply not charged.
    a.bytesReceived += 16_384 + 13 + 9; // a block and a HAVE
    a.downloaded.total += 16_384;
    counter.charge([a]);
    expect(counter.totalDown).toBe(147 + 22);
    expect(counter.totalUp).toBe(238);
  });

  it('puts the bucket in debt, so the payload that follows waits for the overhead too', () => {
    const clock = new ManualClock(0);
    const down = new TokenBucket({ rate: 1_000, clock });
    const counter = new OverheadCounter({ download: [down], upload: [] });
    clock.advance(1_000);
    expect(down.waitTime(1_000)).toBe(0);
    const c = conn();
    c.bytesReceived = 500; // all overhead
    counter.charge([c]);
    // 500 bytes of the second's 1,000 went to overhead: 1,000 bytes of payload now wait half a second.
    expect(down.waitTime(1_000)).toBe(500);
  });
});
