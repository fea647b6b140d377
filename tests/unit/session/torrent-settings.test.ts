import { describe, expect, it } from 'vitest';
import { applySettingsChange, optionsWithSaved, settingsFromOptions, type TorrentSettings } from '../../../src/engine/session/torrent-settings.js';
import { ResumeStore, type ResumeRecord } from '../../../src/engine/storage/resume-store.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/index.js';
import { encode } from '../../../src/engine/bencode/index.js';

const NONE: TorrentSettings = { downloadLimit: 0, uploadLimit: 0, superSeed: false, forced: false };

function record(extra: Partial<ResumeRecord> = {}): ResumeRecord {
  return { infoHash: 'ab'.repeat(20), destination: 'd', bitfield: new Uint8Array([0xff]), filePriorities: [4], uploaded: 1, downloaded: 2, addedAt: 3, paused: false, name: 'n', trackers: [], ...extra };
}

describe("a torrent's own settings", () => {
  it('change field by field; null goes back to the client; bad values name themselves and change nothing', () => {
    const a = applySettingsChange(NONE, { downloadLimit: 1000.4, seedGoals: { ratio: 1.25 }, seedGoalAction: 'remove', maxConnections: 9, forced: true, superSeed: true });
    expect(a).toEqual({ downloadLimit: 1000, uploadLimit: 0, seedGoals: { ratio: 1.25 }, seedGoalAction: 'remove', maxConnections: 9, forced: true, superSeed: true });
    expect(applySettingsChange(a, { seedGoals: null, seedGoalAction: null, maxConnections: null })).toEqual({ downloadLimit: 1000, uploadLimit: 0, forced: true, superSeed: true });
    for (const [change, message] of [
      [{ uploadLimit: -1 }, /upload limit/],
      [{ downloadLimit: Number.POSITIVE_INFINITY }, /download limit/],
      [{ maxConnections: 0 }, /connection limit/],
      [{ maxConnections: 2.5 }, /connection limit/],
      [{ seedGoals: { timeMs: -5 } }, /seed time/],
      [{ seedGoalAction: 'delete' }, /pause or remove/],
      [{ forced: 'yes' }, /forced start/],
      [{ superSeed: 1 }, /super-seeding/],
    ] as const) {
      expect(() => applySettingsChange(a, change as never), JSON.stringify(change)).toThrow(message);
    }
  });

  it('from add options, and a restored torrent takes its saved ones unless the caller says otherwise', () => {
    expect(settingsFromOptions({ destination: 'd', uploadLimit: 5, forceStart: true })).toEqual({ ...NONE, uploadLimit: 5, forced: true });
    const saved: TorrentSettings = { ...NONE, downloadLimit: 7, forced: true, seedGoals: {} };
    expect(settingsFromOptions(optionsWithSaved({ destination: 'd' }, saved))).toEqual(saved);
    expect(settingsFromOptions(optionsWithSaved({ destination: 'd', downloadLimit: 9, forceStart: undefined }, saved))).toEqual({ ...saved, downloadLimit: 9 });
  });

  it('round-trip through the resume record with the seeding time; damaged fields fall back to defaults', async () => {
    const kv = new MemoryKeyValueStore();
    const store = new ResumeStore(kv);
    const settings: TorrentSettings = { downloadLimit: 10, uploadLimit: 20, seedGoals: { ratio: 1.333333, timeMs: 60_000 }, seedGoalAction: 'pause', superSeed: true, maxConnections: 3, forced: true };
    await store.save(record({ seedingMs: 1234.6, settings }));
    expect(await store.load('ab'.repeat(20))).toEqual(record({ seedingMs: 1235, settings }));
    // An older record has neither: none is made up.
    await store.save(record());
    const old = await store.load('ab'.repeat(20));
    expect(old?.settings).toBeUndefined();
    expect(old?.seedingMs).toBeUndefined();
    // A damaged settings dict: what can be read is kept, the rest is the default.
    const damaged = encode({ infoHash: 'cd'.repeat(20), destination: 'd', settings: { downloadLimit: -4, uploadLimit: 'x', forced: 1, maxConnections: 0, seedGoalAction: 'explode', seedGoals: { ratioMicro: -1, timeMs: 5 } }, seedingMs: -3 });
    await kv.set(`torrent-${'cd'.repeat(20)}`, damaged);
    const back = await store.load('cd'.repeat(20));
    expect(back?.settings).toEqual({ downloadLimit: 0, uploadLimit: 0, superSeed: false, forced: true, seedGoals: { timeMs: 5 } });
    expect(back?.seedingMs).toBeUndefined();
  });
});
