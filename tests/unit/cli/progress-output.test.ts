import { describe, expect, it } from 'vitest';
import {
  formatPlainLine,
  formatTtyLine,
  PLAIN_INTERVAL_MS,
  ProgressOutput,
  progressBar,
  progressRecord,
  safeText,
  type OutputMode,
} from '../../../src/cli/progress-output.js';
import type { TorrentStats } from '../../../src/engine/session/types.js';

function stats(over: Partial<TorrentStats> = {}): TorrentStats {
  return {
    infoHash: 'ab'.repeat(20),
    name: 'ubuntu.iso',
    state: 'downloading',
    progress: 0.5,
    totalLength: 2048,
    wantedLength: 2048,
    verifiedLength: 1024,
    downloaded: 1100,
    uploaded: 10,
    downloadRate: 1536.4,
    uploadRate: 0,
    eta: 65.2,
    ratio: 0,
    hashFailures: 0,
    peers: 3,
    seeds: 1,
    pieceCount: 2,
    piecesHave: 1,
    pieceLength: 1024,
    destination: '/tmp/d',
    addedAt: 0,
    files: [],
    trackers: [],
    ...over,
  };
}

function capture(mode: OutputMode, clock = { t: 0 }) {
  const writes: string[] = [];
  const out = new ProgressOutput({ mode, write: (t) => writes.push(t), now: () => clock.t, columns: () => 80 });
  return { out, writes, clock };
}

describe('progressRecord (the --json contract)', () => {
  it('carries exactly the documented fields', () => {
    expect(Object.keys(progressRecord('progress', stats())).sort()).toEqual(
      ['downloadRate', 'downloaded', 'eta', 'infoHash', 'name', 'peers', 'progress', 'state', 'type', 'uploadRate', 'uploaded'].sort(),
    );
  });

  it('rounds rates and eta to integers', () => {
    const r = progressRecord('progress', stats());
    expect(r['downloadRate']).toBe(1536);
    expect(r['eta']).toBe(65);
  });

  it('writes an unknown eta as null, not Infinity', () => {
    expect(progressRecord('progress', stats({ eta: null }))['eta']).toBeNull();
    expect(JSON.stringify(progressRecord('progress', stats({ eta: Infinity })))).toContain('"eta":null');
  });
});

describe('text lines', () => {
  it('replaces control characters in torrent names (no terminal escapes)', () => {
    expect(safeText('a\u001b[2Jb\nc')).toBe('a?[2Jb?c');
  });

  it('shows name, percent, rates, peers and eta on the plain line', () => {
    const line = formatPlainLine(stats());
    expect(line).toContain('ubuntu.iso');
    expect(line).toContain('50.0%');
    expect(line).toContain('down 1.5 KiB/s');
    expect(line).toContain('peers 3');
    expect(line).toContain('eta 1m05s');
  });

  it('falls back to the infohash while a magnet has no name', () => {
    expect(formatPlainLine(stats({ name: '', state: 'metadata' }))).toContain(`${'ab'.repeat(20)}: fetching metadata`);
  });

  it('keeps the TTY line narrower than the terminal, cutting the name', () => {
    const line = formatTtyLine(stats({ name: 'x'.repeat(300) }), 80);
    expect(line.length).toBeLessThan(80);
    expect(line).toContain('…');
    expect(line).toContain('50.0%');
  });

  it('draws a bar of the given width', () => {
    expect(progressBar(0.5, 10)).toBe('#####.....');
    expect(progressBar(2, 4)).toBe('####');
  });
});

describe('ProgressOutput', () => {
  it('prints listening as JSON in json mode', () => {
    const { out, writes } = capture('json');
    out.listening(6881);
    expect(writes).toEqual(['{"type":"listening","port":6881}\n']);
  });

  it('prints one JSON object per update, each on its own line', () => {
    const { out, writes } = capture('json');
    out.update(stats());
    out.update(stats());
    expect(writes).toHaveLength(2);
    for (const w of writes) expect(JSON.parse(w).type).toBe('progress');
  });

  it('prints a done record in json mode', () => {
    const { out, writes } = capture('json');
    out.done(stats({ progress: 1 }));
    expect(JSON.parse(writes[0]!)).toMatchObject({ type: 'done', progress: 1 });
  });

  it('rewrites one line on a TTY with a carriage return', () => {
    const { out, writes } = capture('tty');
    out.update(stats());
    expect(writes[0]!.startsWith('\r')).toBe(true);
    expect(writes[0]!.includes('\n')).toBe(false);
  });

  it('ends the TTY line before printing a message', () => {
    const { out, writes } = capture('tty');
    out.update(stats());
    out.event('seed-goal', 'seed ratio 2.0 reached');
    expect(writes.slice(1)).toEqual(['\n', 'seed ratio 2.0 reached\n']);
  });

  it('prints plain lines at most every 5 s', () => {
    const { out, writes, clock } = capture('plain');
    out.update(stats());
    clock.t = PLAIN_INTERVAL_MS - 1;
    out.update(stats());
    expect(writes).toHaveLength(1);
    clock.t = PLAIN_INTERVAL_MS;
    out.update(stats());
    expect(writes).toHaveLength(2);
  });

  it('prints no progress when quiet, but still the goal line', () => {
    const { out, writes } = capture('quiet');
    out.listening(1);
    out.update(stats());
    out.done(stats());
    out.event('seed-goal', 'seed time 30s reached');
    expect(writes).toEqual(['seed time 30s reached\n']);
  });

  it('prints a goal as a JSON event in json mode', () => {
    const { out, writes } = capture('json');
    out.event('seed-goal', 'seed time 30s reached', { goal: 'time' });
    expect(JSON.parse(writes[0]!)).toEqual({ type: 'seed-goal', message: 'seed time 30s reached', goal: 'time' });
  });
});
