import { describe, expect, it } from 'vitest';
import { addTrackerToTiers, removeTrackerFromTiers, TRACKER_EDIT_LIMITS } from '../../../src/engine/session/tracker-edit.js';

describe('tracker list edits', () => {
  it('adds into a new last tier, trimmed', () => {
    const tiers = [['udp://a:1/announce']];
    expect(addTrackerToTiers(tiers, '  http://b.example/announce ')).toBe('http://b.example/announce');
    expect(tiers).toEqual([['udp://a:1/announce'], ['http://b.example/announce']]);
  });

  it('refuses duplicates, unusable URLs and empty input with a reason', () => {
    const tiers = [['udp://a:1/announce']];
    expect(() => addTrackerToTiers(tiers, 'udp://a:1/announce')).toThrow(/already listed/);
    expect(() => addTrackerToTiers(tiers, 'wss://tracker.example')).toThrow(/WebSocket/);
    expect(() => addTrackerToTiers(tiers, 'ftp://x')).toThrow(/unsupported tracker URL scheme/);
    expect(() => addTrackerToTiers(tiers, '   ')).toThrow(/Enter a tracker URL/);
    expect(() => addTrackerToTiers(tiers, `http://x/${'a'.repeat(TRACKER_EDIT_LIMITS.maxUrlLength)}`)).toThrow(/too long/);
    expect(tiers).toEqual([['udp://a:1/announce']]);
  });

  it('refuses past the tracker limit', () => {
    const tiers = [Array.from({ length: TRACKER_EDIT_LIMITS.maxTrackers }, (_, i) => `http://t${i}.example/announce`)];
    expect(() => addTrackerToTiers(tiers, 'http://one-more.example/announce')).toThrow(/at most/);
  });

  it('removes, dropping a tier left empty', () => {
    const tiers = [['udp://a:1/announce', 'udp://b:1/announce'], ['http://c/announce']];
    expect(removeTrackerFromTiers(tiers, 'http://c/announce')).toBe(true);
    expect(tiers).toEqual([['udp://a:1/announce', 'udp://b:1/announce']]);
    expect(removeTrackerFromTiers(tiers, 'udp://a:1/announce')).toBe(true);
    expect(tiers).toEqual([['udp://b:1/announce']]);
    expect(removeTrackerFromTiers(tiers, 'udp://nope:1/announce')).toBe(false);
  });
});
