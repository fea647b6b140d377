// The popup, dashboard, options and interception logic without a browser: what the service worker accepts
// as preferences (one message per field), which links and downloads are torrents, the badge,
// the add field's first checks, the ETA text, and that every text key the pages use exists in
// _locales/en/messages.json.
import { describe, expect, it } from 'vitest';
import { parseTorrentSettingsInput } from '../../../src/extension/torrent-settings-input.js';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_PREFERENCES,
  SEED_GOAL_ACTIONS,
  TRANSFER_FIELDS,
  clientTransferOptions,
  readStoredPreferences,
  transferNeedsRestart,
  transferOf,
  validatePreferences,
} from '../../../src/extension/preferences.js';
import { badgeText, isTorrentDownload, linkSource } from '../../../src/extension/torrent-links.js';
import { checkAddText, checkTorrentFile, toBase64 } from '../../../extension-ui/common/add-input.js';
import { formatEta, stateLabel } from '../../../extension-ui/popup/format.js';
import { ROOT } from './harness/build.js';

describe('preferences validation', () => {
  it('accepts numbers typed as text and switches, keeping the rest', () => {
    const checked = validatePreferences({ downloadLimitKiB: ' 512 ', uploadLimitKiB: 0, theme: 'dark', notifications: false });
    expect(checked).toEqual({ ok: true, preferences: { ...DEFAULT_PREFERENCES, downloadLimitKiB: 512, uploadLimitKiB: 0, theme: 'dark', notifications: false } });
  });

  it.each([
    ['a negative rate', { downloadLimitKiB: '-5' }, 'downloadLimitKiB'],
    ['a rate with letters', { uploadLimitKiB: '12k' }, 'uploadLimitKiB'],
    ['a fractional rate', { uploadLimitKiB: 1.5 }, 'uploadLimitKiB'],
    ['an absurd rate', { downloadLimitKiB: String(20 * 1024 * 1024) }, 'downloadLimitKiB'],
    ['zero connections', { maxPeersPerTorrent: '0' }, 'maxPeersPerTorrent'],
    ['too many connections', { maxPeersPerTorrent: 501 }, 'maxPeersPerTorrent'],
    ['a switch given as text', { notifications: 'yes' }, 'notifications'],
    ['an unknown badge mode', { badge: 'total' }, 'badge'],
    ['an unknown theme', { theme: 'blue' }, 'theme'],
    ['a negative seeding ratio', { seedRatioLimit: '-1' }, 'seedRatioLimit'],
    ['a seeding ratio with three decimals', { seedRatioLimit: '1.125' }, 'seedRatioLimit'],
    ['a seeding ratio in words', { seedRatioLimit: 'two' }, 'seedRatioLimit'],
    ['an absurd seeding ratio', { seedRatioLimit: 10_001 }, 'seedRatioLimit'],
    ['a fractional seeding time', { seedTimeMinutes: '1.5' }, 'seedTimeMinutes'],
    ['a negative seeding time', { seedTimeMinutes: -1 }, 'seedTimeMinutes'],
    ['a seeding time past ten years', { seedTimeMinutes: 6_000_000 }, 'seedTimeMinutes'],
    ['deleting the data at a goal', { seedGoalAction: 'delete' }, 'seedGoalAction'],
    ['negative active downloads', { maxActiveDownloads: '-1' }, 'maxActiveDownloads'],
    ['too many active seeds', { maxActiveSeeds: 1001 }, 'maxActiveSeeds'],
    ['no connections at all', { maxConnections: 0 }, 'maxConnections'],
    ['a connection limit in words', { maxConnections: 'many' }, 'maxConnections'],
  ])('refuses %s with a message at that field', (_name, input, field) => {
    const checked = validatePreferences(input);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(Object.keys(checked.errors)).toEqual([field]);
      expect(checked.errors[field as keyof typeof checked.errors]).toMatch(/\w{3,}/);
    }
  });

  it('seeding goals: decimals for the ratio, whole minutes, empty or null turns a goal off', () => {
    expect(validatePreferences({ seedRatioLimit: ' 1.5 ', seedTimeMinutes: '90', seedGoalAction: 'remove' })).toEqual({
      ok: true,
      preferences: { ...DEFAULT_PREFERENCES, seedRatioLimit: 1.5, seedTimeMinutes: 90, seedGoalAction: 'remove' },
    });
    expect(validatePreferences({ seedRatioLimit: '0', seedTimeMinutes: 0 })).toMatchObject({ ok: true, preferences: { seedRatioLimit: 0, seedTimeMinutes: 0 } });
    const base = { ...DEFAULT_PREFERENCES, seedRatioLimit: 2, seedTimeMinutes: 60 };
    expect(validatePreferences({ seedRatioLimit: '  ', seedTimeMinutes: null }, base)).toEqual({ ok: true, preferences: DEFAULT_PREFERENCES });
    // Several bad fields: a message at each, nothing taken.
    const bad = validatePreferences({ seedRatioLimit: 'x', maxActiveDownloads: 1, maxConnections: 0 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['maxConnections', 'seedRatioLimit']);
  });

  it('refuses unknown keys and non-objects', () => {
    expect(validatePreferences({ seedRatio: 2 }).ok).toBe(false);
    expect(validatePreferences('x').ok).toBe(false);
    expect(validatePreferences([1]).ok).toBe(false);
  });

  it('a damaged store falls back to the defaults field by field', () => {
    expect(readStoredPreferences({ downloadLimitKiB: 'lots', theme: 'dark', badge: 7 })).toEqual({ ...DEFAULT_PREFERENCES, theme: 'dark' });
    expect(readStoredPreferences(null)).toEqual(DEFAULT_PREFERENCES);
    // Stored before the seeding and queue fields existed: their defaults; a goal stored as off stays off.
    expect(readStoredPreferences({ downloadLimitKiB: 5, seedRatioLimit: null, seedTimeMinutes: 'soon', maxActiveSeeds: -2 })).toEqual({ ...DEFAULT_PREFERENCES, downloadLimitKiB: 5 });
    expect(readStoredPreferences({ seedRatioLimit: 0.5, seedTimeMinutes: 30, maxActiveDownloads: 0 })).toEqual({
      ...DEFAULT_PREFERENCES,
      seedRatioLimit: 0.5,
      seedTimeMinutes: 30,
      maxActiveDownloads: 0,
    });
  });

  it('becomes engine options in bytes/s; only the peer cap needs a new Client', () => {
    const prefs = { ...DEFAULT_PREFERENCES, downloadLimitKiB: 100, uploadLimitKiB: 3 };
    const { altSpeed, ...options } = clientTransferOptions(transferOf(prefs));
    expect(options).toEqual({
      downloadLimit: 102_400,
      uploadLimit: 3072,
      maxPeersPerTorrent: 50,
      seedGoals: {},
      seedGoalAction: 'pause',
      queue: { maxActiveDownloads: 3, maxActiveSeeds: 5 },
      maxConnections: 200,
    });
    // The turtle's limits (50 KiB/s each by default), no schedule: only the dashboard's switch.
    expect(altSpeed.settings).toEqual({ download: 51_200, upload: 51_200 });
    expect(altSpeed.status()).toMatchObject({ active: false, hasSchedule: false });
    expect(transferNeedsRestart(transferOf(DEFAULT_PREFERENCES), transferOf(prefs))).toBe(false);
    expect(transferNeedsRestart(transferOf(DEFAULT_PREFERENCES), { ...transferOf(prefs), maxPeersPerTorrent: 80 })).toBe(true);
  });

  it('alternative speeds: limits and a schedule checked with a message, applied without a new Client', () => {
    const checked = validatePreferences({ altDownloadLimitKiB: '20', altUploadLimitKiB: 5, altSchedule: '  Mon-Fri   08:00-18:00 ' });
    expect(checked).toEqual({ ok: true, preferences: { ...DEFAULT_PREFERENCES, altDownloadLimitKiB: 20, altUploadLimitKiB: 5, altSchedule: 'mon-fri 08:00-18:00' } });
    const prefs = (checked as { preferences: typeof DEFAULT_PREFERENCES }).preferences;
    expect(clientTransferOptions(transferOf(prefs)).altSpeed.settings).toEqual({ download: 20_480, upload: 5_120, days: 0b0111110, beginMinute: 480, endMinute: 1080 });
    expect(transferNeedsRestart(transferOf(DEFAULT_PREFERENCES), transferOf(prefs))).toBe(false);
    expect(validatePreferences({ altSchedule: '' })).toEqual({ ok: true, preferences: DEFAULT_PREFERENCES });
    const bad = validatePreferences({ altSchedule: 'someday 25:00-26:00', altUploadLimitKiB: -1 });
    expect(bad.ok).toBe(false);
    const errors = (bad as { errors: Record<string, string> }).errors;
    expect(errors.altSchedule).toMatch(/^Unknown day "someday"/);
    expect(errors.altUploadLimitKiB).toMatch(/alternative upload limit/);
    expect(readStoredPreferences({ altSchedule: 'nonsense', altDownloadLimitKiB: 7 })).toEqual({ ...DEFAULT_PREFERENCES, altDownloadLimitKiB: 7 });
  });

  it("a torrent's own settings as typed become the engine's change, or errors per field", () => {
    expect(parseTorrentSettingsInput({ downloadLimitKiB: '100', uploadLimitKiB: 0, useGlobalGoals: false, seedRatio: '1.5', seedTimeMinutes: '', superSeed: true, maxConnections: '12' })).toEqual({
      ok: true,
      change: { downloadLimit: 102_400, uploadLimit: 0, seedGoals: { ratio: 1.5 }, superSeed: true, maxConnections: 12 },
    });
    expect(parseTorrentSettingsInput({ useGlobalGoals: true, maxConnections: '' })).toEqual({ ok: true, change: { seedGoals: null, maxConnections: null } });
    const bad = parseTorrentSettingsInput({ downloadLimitKiB: 'fast', useGlobalGoals: false, seedRatio: '1.555', seedTimeMinutes: '-3', superSeed: 'yes', maxConnections: '0' });
    expect(bad.ok).toBe(false);
    expect(Object.keys((bad as { errors: object }).errors).sort()).toEqual(['downloadLimitKiB', 'maxConnections', 'seedRatio', 'seedTimeMinutes', 'superSeed']);
    expect(parseTorrentSettingsInput({ seedRatio: '2' })).toMatchObject({ ok: false, errors: { useGlobalGoals: expect.any(String) } });
    expect(parseTorrentSettingsInput({ __proto__: 1, evil: 2 } as unknown as object)).toMatchObject({ ok: false });
    expect(parseTorrentSettingsInput([1])).toMatchObject({ ok: false });
  });

  it('seeding goals in milliseconds, 0 active torrents as no limit; none of them needs a new Client', () => {
    const prefs = { ...DEFAULT_PREFERENCES, seedRatioLimit: 1.5, seedTimeMinutes: 90, seedGoalAction: 'remove' as const, maxActiveDownloads: 0, maxActiveSeeds: 2, maxConnections: 40 };
    expect(clientTransferOptions(transferOf(prefs))).toMatchObject({
      seedGoals: { ratio: 1.5, timeMs: 5_400_000 },
      seedGoalAction: 'remove',
      queue: { maxActiveDownloads: Infinity, maxActiveSeeds: 2 },
      maxConnections: 40,
    });
    // A goal of 0 is a goal (stop at once), not "off".
    expect(clientTransferOptions(transferOf({ ...DEFAULT_PREFERENCES, seedRatioLimit: 0 })).seedGoals).toEqual({ ratio: 0 });
    expect(clientTransferOptions(transferOf({ ...DEFAULT_PREFERENCES, seedTimeMinutes: 0 })).seedGoals).toEqual({ timeMs: 0 });
    expect(transferNeedsRestart(transferOf(DEFAULT_PREFERENCES), transferOf(prefs))).toBe(false);
  });

  it('the options accepted are options the engine accepts', async () => {
    const { checkSeedGoals } = await import('../../../src/engine/policy/seed-goals.js');
    const { resolveQueueLimits } = await import('../../../src/engine/policy/queue-policy.js');
    for (const input of [{}, { seedRatioLimit: '0', seedTimeMinutes: '0', maxActiveDownloads: 0, maxActiveSeeds: 0 }, { seedRatioLimit: '10000', seedTimeMinutes: 5_256_000, maxActiveDownloads: 1000 }]) {
      const checked = validatePreferences(input);
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      const options = clientTransferOptions(transferOf(checked.preferences));
      expect(() => checkSeedGoals(options.seedGoals)).not.toThrow();
      expect(() => resolveQueueLimits(options.queue)).not.toThrow();
    }
  });
});

describe('links and downloads that are torrents', () => {
  const ME = 'bkhngainmfimebdhdakboflefceoakbd';
  it('context menu: magnets and http(s) .torrent paths only', () => {
    expect(linkSource('magnet:?xt=urn:btih:' + 'a'.repeat(40))).toEqual({ kind: 'magnet', uri: 'magnet:?xt=urn:btih:' + 'a'.repeat(40) });
    expect(linkSource('https://example.org/files/x.torrent?key=1')).toEqual({ kind: 'url', url: 'https://example.org/files/x.torrent?key=1' });
    expect(linkSource('https://example.org/files/%E2%9C%93.TORRENT')).toEqual({ kind: 'url', url: 'https://example.org/files/%E2%9C%93.TORRENT' });
    expect(linkSource('https://example.org/page.html')).toBeNull();
    expect(linkSource('ftp://example.org/x.torrent')).toBeNull();
    expect(linkSource('javascript:alert(1)//.torrent')).toBeNull();
    expect(linkSource(undefined)).toBeNull();
  });

  it('downloads: by MIME type, chosen name or URL path; never our own or unfetchable ones', () => {
    expect(isTorrentDownload({ url: 'https://h/get?id=1', mime: 'application/x-bittorrent' }, ME)).toBe(true);
    expect(isTorrentDownload({ url: 'https://h/get?id=1', mime: 'application/octet-stream', filename: '/home/u/Downloads/a.torrent' }, ME)).toBe(true);
    expect(isTorrentDownload({ url: 'http://h/a.torrent' }, ME)).toBe(true);
    expect(isTorrentDownload({ url: 'https://h/get?id=1', mime: 'application/zip', filename: '/d/a.zip' }, ME)).toBe(false);
    expect(isTorrentDownload({ url: 'blob:chrome-extension://x/1', mime: 'application/x-bittorrent' }, ME)).toBe(false);
    expect(isTorrentDownload({ url: 'http://h/a.torrent', byExtensionId: ME }, ME)).toBe(false);
  });

  it('badge: active downloads, or nothing', () => {
    const list = [{ state: 'downloading' }, { state: 'metadata' }, { state: 'seeding' }, { state: 'paused' }, { state: 'checking' }] as const;
    expect(badgeText(list, 'active')).toBe('3');
    expect(badgeText(list, 'off')).toBe('');
    expect(badgeText([{ state: 'seeding' }], 'active')).toBe('');
  });
});

describe('the add field', () => {
  it.each([
    ['', /Paste a magnet link/],
    ['   ', /Paste a magnet link/],
    ['hello world', /Not a magnet link or an address/],
    ['ftp://example.org/a.torrent', /"ftp:" addresses cannot be added/],
    ['javascript:alert(1)', /"javascript:" addresses cannot be added/],
  ])('refuses %j at once', (text, message) => {
    const checked = checkAddText(text);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(message);
  });

  it('passes magnets, bare infohashes and http(s) addresses to the engine, which checks the rest', () => {
    expect(checkAddText(' magnet:?xt=urn:btih:123 ')).toEqual({ ok: true, value: { kind: 'magnet', uri: 'magnet:?xt=urn:btih:123' } });
    expect(checkAddText('a'.repeat(40))).toEqual({ ok: true, value: { kind: 'url', url: 'a'.repeat(40) } });
    expect(checkAddText('https://example.org/x.torrent')).toEqual({ ok: true, value: { kind: 'url', url: 'https://example.org/x.torrent' } });
  });

  it('refuses empty and oversized files; base64 survives large files', () => {
    expect(checkTorrentFile({ name: 'a.torrent', size: 0 }).ok).toBe(false);
    expect(checkTorrentFile({ name: 'a.torrent', size: 17 * 1024 * 1024 }).ok).toBe(false);
    expect(checkTorrentFile({ name: 'a.torrent', size: 300 }).ok).toBe(true);
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    expect(Buffer.from(toBase64(bytes), 'base64').equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('ETA text', () => {
  it.each([
    [null, '∞'],
    [Infinity, '∞'],
    [42, '42s'],
    [125, '2m 5s'],
    [3 * 3600 + 12 * 60, '3h 12m'],
    [50 * 3600, '2d 2h'],
    [400 * 86400, '> 1y'],
  ])('%s → %s', (seconds, text) => expect(formatEta(seconds, 'en')).toBe(text));
});

describe('state labels', () => {
  it('the engine\'s states read as words, queued included', () => {
    expect(['queued', 'paused', 'seeding', 'downloading'].map(stateLabel)).toEqual(['Queued', 'Paused', 'Seeding', 'Downloading']);
  });
});

describe('texts', () => {
  it('every _locales key the popup, dashboard, options and interception code uses exists', async () => {
    const messages = JSON.parse(await readFile(join(ROOT, '_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(join(dir, entry.name));
        else if (/\.tsx?$/.test(entry.name)) files.push(join(dir, entry.name));
      }
    };
    await walk(join(ROOT, 'extension-ui'));
    await walk(join(ROOT, 'src/extension'));
    const used = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/(?:\bt|getMessage)\('((?:popup|options|intercept|dash|player)_[A-Za-z_]+)'/g)) used.add(m[1]!);
    }
    // Keys built from data (one per field / choice).
    for (const f of TRANSFER_FIELDS) used.add(`options_${f}`).add(`options_${f}Hint`);
    for (const a of SEED_GOAL_ACTIONS) used.add(`options_seedGoalAction_${a}`);
    for (const b of ['active', 'off']) used.add(`options_badge_${b}`);
    for (const th of ['system', 'light', 'dark']) used.add(`options_theme_${th}`);
    for (const st of ['loading', 'buffering', 'playing', 'paused', 'ended', 'error']) used.add(`player_state_${st}`);
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((k) => !messages[k]?.message)).toEqual([]);
    expect(messages.popup_addLabel?.message).toBe('Add magnet link or torrent URL');
    // The dashboard's texts too, and every dash_ key in messages.json is one a page uses.
    const dash = [...used].filter((k) => k.startsWith('dash_'));
    expect(dash.length).toBeGreaterThan(150);
    expect(Object.keys(messages).filter((k) => k.startsWith('dash_') && !used.has(k))).toEqual([]);
    expect(Object.keys(messages).filter((k) => k.startsWith('player_') && !used.has(k))).toEqual([]);
    // Texts the e2e tests find by their words keep them.
    expect(messages.dash_addTorrent?.message).toBe('Add torrent…');
    expect(messages.dash_removeDelete?.message).toBe('Remove and delete data');
    expect(messages.dash_filterByName?.message).toBe('Filter by name');
  });

  it('the dashboard shows no hard-coded English: no text between tags, no literal label or placeholder', async () => {
    const dir = join(ROOT, 'extension-ui/dashboard');
    const found: string[] = [];
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.tsx')) continue;
      const text = await readFile(join(dir, name), 'utf8');
      // JSX text: a word after a tag's end (the product name aside), or a literal text attribute.
      for (const m of text.matchAll(/(?<![=-])>\s*([A-Za-z][^<>{}();=|&?]*?)\s*(?=<|\{)/g)) if (m[1] !== 'TorrentEdge') found.push(`${name}: ${m[1]}`);
      for (const m of text.matchAll(/\b(aria-label|title|placeholder)="([^"]*[A-Za-z][^"]*)"/g)) if (!/^[a-z]+:\?/.test(m[2]!) && !/^udp:/.test(m[2]!)) found.push(`${name}: ${m[1]}="${m[2]}"`);
    }
    expect(found).toEqual([]);
  });
});
