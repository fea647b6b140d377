import { describe, expect, it } from 'vitest';
import { TorrentBandwidth } from '../../../src/engine/session/rate-gate.js';
import { TokenBucket } from '../../../src/engine/session/rate-limiter.js';
import { ManualClock } from '../../../src/engine/util/clock.js';

describe('TorrentBandwidth limits', () => {
  it('reports the tightest limit in force, own or global, and 0 when there is none', () => {
    const clock = new ManualClock(0);
    const globalDown = new TokenBucket({ rate: 0, clock });
    const bandwidth = new TorrentBandwidth(clock, {}, { download: [globalDown], upload: [] });
    expect(bandwidth.download.limit()).toBe(0);
    globalDown.setRate(100 * 1024);
    expect(bandwidth.download.limit()).toBe(100 * 1024);
    bandwidth.setLimits({ download: 50 * 1024 });
    expect(bandwidth.download.limit()).toBe(50 * 1024);
    globalDown.setRate(10 * 1024);
    expect(bandwidth.download.limit()).toBe(10 * 1024);
    bandwidth.setLimits({ download: 0 });
    globalDown.setRate(0);
    expect(bandwidth.download.limit()).toBe(0);
    expect(bandwidth.upload.limit()).toBe(0);
  });
});
