import { describe, expect, it } from 'vitest';
import type { TorrentRow } from '../../../src/extension/messages.js';
import { filterTorrents, sortTorrents } from '../../../extension-ui/dashboard/torrent-query.js';

function row(over: Partial<TorrentRow>): TorrentRow {
  return {
    infoHash: '0'.repeat(40), name: 'x', state: 'downloading', progress: 0, totalLength: 100, wantedLength: 100, verifiedLength: 0,
    downloaded: 0, uploaded: 0, downloadRate: 0, uploadRate: 0, eta: null, ratio: 0, hashFailures: 0, peers: 0, seeds: 0,
    pieceCount: 1, piecesHave: 0, pieceLength: 100, destination: 'd', addedAt: 0, files: [], trackers: [], ...over,
  };
}

const A = row({ infoHash: 'a'.repeat(40), name: 'Alpha 10', state: 'seeding', progress: 1, wantedLength: 300, uploadRate: 50, addedAt: 3 });
const B = row({ infoHash: 'b'.repeat(40), name: 'alpha 9', state: 'downloading', progress: 0.5, wantedLength: 100, downloadRate: 900, eta: 60, addedAt: 1 });
const C = row({ infoHash: 'c'.repeat(40), name: 'Gamma', state: 'paused', progress: 0.2, wantedLength: 200, addedAt: 2 });
const D = row({ infoHash: 'd'.repeat(40), name: 'Delta', state: 'error', error: 'disk full', progress: 0.1, wantedLength: 200, eta: 10, downloadRate: 5, addedAt: 4 });
const E = row({ infoHash: 'e'.repeat(40), name: 'Echo', state: 'metadata', progress: 0, wantedLength: 0, addedAt: 5 });
const ALL = [A, B, C, D, E];
const names = (rows: TorrentRow[]): string[] => rows.map((r) => r.name);

describe('filterTorrents', () => {
  it('by state (downloading includes fetching metadata; active is by rates)', () => {
    expect(names(filterTorrents(ALL, 'seeding', ''))).toEqual(['Alpha 10']);
    expect(names(filterTorrents(ALL, 'downloading', ''))).toEqual(['alpha 9', 'Echo']);
    expect(names(filterTorrents(ALL, 'paused', ''))).toEqual(['Gamma']);
    expect(names(filterTorrents(ALL, 'error', ''))).toEqual(['Delta']);
    expect(names(filterTorrents(ALL, 'active', ''))).toEqual(['Alpha 10', 'alpha 9', 'Delta']);
    expect(filterTorrents(ALL, 'all', '')).toHaveLength(5);
  });

  it('by name text, case-insensitive, combined with the state; or by the exact infohash', () => {
    expect(names(filterTorrents(ALL, 'all', '  ALPHA '))).toEqual(['Alpha 10', 'alpha 9']);
    expect(names(filterTorrents(ALL, 'seeding', 'alpha'))).toEqual(['Alpha 10']);
    expect(names(filterTorrents(ALL, 'all', 'c'.repeat(40)))).toEqual(['Gamma']);
    expect(filterTorrents(ALL, 'all', 'zzz')).toEqual([]);
  });

  it('a name with markup is matched as text', () => {
    const x = row({ name: '<img src=x onerror=alert(1)>' });
    expect(filterTorrents([x], 'all', '<img')).toEqual([x]);
  });
});

describe('sortTorrents', () => {
  it('by name, numerically and ignoring case', () => {
    expect(names(sortTorrents(ALL, 'name', 'asc'))).toEqual(['alpha 9', 'Alpha 10', 'Delta', 'Echo', 'Gamma']);
    expect(names(sortTorrents(ALL, 'name', 'desc'))).toEqual(['Gamma', 'Echo', 'Delta', 'Alpha 10', 'alpha 9']);
  });

  it('by size, progress, speeds and date added', () => {
    expect(names(sortTorrents(ALL, 'size', 'desc'))).toEqual(['Alpha 10', 'Delta', 'Gamma', 'alpha 9', 'Echo']);
    expect(names(sortTorrents(ALL, 'progress', 'asc'))).toEqual(['Echo', 'Delta', 'Gamma', 'alpha 9', 'Alpha 10']);
    expect(names(sortTorrents(ALL, 'downloadRate', 'desc'))[0]).toBe('alpha 9');
    expect(names(sortTorrents(ALL, 'uploadRate', 'desc'))[0]).toBe('Alpha 10');
    expect(names(sortTorrents(ALL, 'addedAt', 'asc'))).toEqual(['alpha 9', 'Gamma', 'Alpha 10', 'Delta', 'Echo']);
  });

  it('by state: errors first', () => {
    expect(names(sortTorrents(ALL, 'state', 'asc'))).toEqual(['Delta', 'Echo', 'alpha 9', 'Alpha 10', 'Gamma']);
  });

  it('by ETA: unknown ETAs last in both directions', () => {
    expect(names(sortTorrents(ALL, 'eta', 'asc')).slice(0, 2)).toEqual(['Delta', 'alpha 9']);
    expect(names(sortTorrents(ALL, 'eta', 'desc')).slice(0, 2)).toEqual(['alpha 9', 'Delta']);
  });

  it('ties keep a stable order (by name, then infohash) and the input is not changed', () => {
    const twins = [row({ infoHash: '2'.repeat(40), name: 'same' }), row({ infoHash: '1'.repeat(40), name: 'same' })];
    expect(sortTorrents(twins, 'size', 'desc').map((r) => r.infoHash[0])).toEqual(['1', '2']);
    expect(twins[0]!.infoHash[0]).toBe('2');
  });
});
