// The extension's network settings and peers view, without a browser: what the service worker
// accepts and refuses (one message per field), what survives a damaged store, the engine options
// they become, and how the engine's peer flags reach the dashboard.
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_NETWORK_SETTINGS,
  clientNetworkOptions,
  formatBootstrapNodes,
  parseBootstrapNodes,
  readStoredSettings,
  validateNetworkSettings,
} from '../../../src/extension/settings.js';
import { peerView, peerViews } from '../../../src/extension/offscreen/peer-view.js';
import { SnapshotPublisher } from '../../../src/extension/offscreen/snapshot-publisher.js';
import type { PeerStats } from '../../../src/engine/session/types.js';

describe('network settings validation', () => {
  it('accepts a full form as typed (port and nodes as text)', () => {
    const checked = validateNetworkSettings({
      dht: false, pex: false, utp: true, lsd: false, encryption: 'required', port: ' 51413 ', dhtBootstrap: '127.0.0.1:6881\n[::1]:7000, router.example.org:6881',
    });
    expect(checked).toEqual({
      ok: true,
      settings: {
        dht: false, pex: false, utp: true, lsd: false, lsdInterface: '', encryption: 'required', port: 51413,
        dhtBootstrap: [{ host: '127.0.0.1', port: 6881 }, { host: '::1', port: 7000 }, { host: 'router.example.org', port: 6881 }],
      },
    });
  });

  it('keeps fields left out at their current value', () => {
    const base = { ...DEFAULT_NETWORK_SETTINGS, port: 7000 };
    const checked = validateNetworkSettings({ utp: false }, base);
    expect(checked).toEqual({ ok: true, settings: { ...base, utp: false } });
  });

  it('an empty bootstrap list means the public routers, and gives the engine no list', () => {
    const checked = validateNetworkSettings({ dhtBootstrap: '  ' });
    expect(checked.ok && checked.settings.dhtBootstrap).toEqual([]);
    expect(clientNetworkOptions(DEFAULT_NETWORK_SETTINGS)).not.toHaveProperty('dhtBootstrap');
  });

  it.each([
    ['port above 65535', { port: '70000' }, 'port'],
    ['negative port', { port: -1 }, 'port'],
    ['port with letters', { port: '68a1' }, 'port'],
    ['fractional port', { port: 6881.5 }, 'port'],
    ['unknown encryption policy', { encryption: 'maybe' }, 'encryption'],
    ['a switch given as text', { dht: 'yes' }, 'dht'],
    ['a node without a port', { dhtBootstrap: 'router.example.org' }, 'dhtBootstrap'],
    ['a node with port 0', { dhtBootstrap: '127.0.0.1:0' }, 'dhtBootstrap'],
    ['a node with a bad host', { dhtBootstrap: 'bad host!:6881' }, 'dhtBootstrap'],
    ['too many nodes', { dhtBootstrap: Array.from({ length: 17 }, (_, i) => `10.0.0.${i}:6881`).join(',') }, 'dhtBootstrap'],
    ['an LSD interface that is a name', { lsdInterface: 'eth0' }, 'lsdInterface'],
    ['an LSD interface with an octet above 255', { lsdInterface: '127.0.0.256' }, 'lsdInterface'],
    ['an LSD interface with two ::', { lsdInterface: 'fe80::1::2' }, 'lsdInterface'],
    ['an LSD interface given as a number', { lsdInterface: 127 }, 'lsdInterface'],
  ])('refuses %s with a message at that field', (_name, input, field) => {
    const checked = validateNetworkSettings(input);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(Object.keys(checked.errors)).toEqual([field]);
      expect(checked.errors[field as keyof typeof checked.errors]).toMatch(/\w{3,}/);
    }
  });

  it('LSD is allowed (the relay joins the LSD group) and its interface reaches the engine', () => {
    const checked = validateNetworkSettings({ lsd: true, lsdInterface: ' 127.0.0.1 ' });
    expect(checked).toEqual({ ok: true, settings: { ...DEFAULT_NETWORK_SETTINGS, lsd: true, lsdInterface: '127.0.0.1' } });
    expect(checked.ok && clientNetworkOptions(checked.settings)).toMatchObject({ lsd: true, lsdInterface: '127.0.0.1' });
    const v6 = validateNetworkSettings({ lsdInterface: '::1' });
    expect(v6.ok && v6.settings.lsdInterface).toBe('::1');
    const cleared = validateNetworkSettings({ lsdInterface: '' }, { ...DEFAULT_NETWORK_SETTINGS, lsdInterface: '127.0.0.1' });
    expect(cleared.ok && cleared.settings.lsdInterface).toBe('');
    expect(clientNetworkOptions(DEFAULT_NETWORK_SETTINGS)).not.toHaveProperty('lsdInterface');
  });

  it('reports every bad field at once', () => {
    const checked = validateNetworkSettings({ port: 'x', encryption: 1, dhtBootstrap: 'nope' });
    expect(!checked.ok && Object.keys(checked.errors).sort()).toEqual(['dhtBootstrap', 'encryption', 'port']);
  });

  it('refuses what is not an object', () => {
    expect(validateNetworkSettings(null).ok).toBe(false);
    expect(validateNetworkSettings('dht=on').ok).toBe(false);
  });

  it('a damaged stored value falls back to the defaults field by field', () => {
    expect(readStoredSettings(undefined)).toEqual(DEFAULT_NETWORK_SETTINGS);
    expect(readStoredSettings({ dht: false, port: 'junk', encryption: 'required', lsd: 'on', lsdInterface: 'eth0', dhtBootstrap: [{ host: '127.0.0.1', port: 7 }] })).toEqual({
      ...DEFAULT_NETWORK_SETTINGS, dht: false, encryption: 'required', dhtBootstrap: [{ host: '127.0.0.1', port: 7 }],
    });
  });

  it('nodes survive a round trip through the form text', () => {
    const nodes = [{ host: '127.0.0.1', port: 1 }, { host: '::1', port: 2 }];
    expect(parseBootstrapNodes(formatBootstrapNodes(nodes))).toEqual(nodes);
  });

  it('becomes the Client options the engine takes at creation', () => {
    const checked = validateNetworkSettings({ dht: true, utp: false, pex: false, encryption: 'disabled', port: '0', dhtBootstrap: '127.0.0.1:9' });
    expect(checked.ok && clientNetworkOptions(checked.settings)).toEqual({
      dht: true, utp: false, pex: false, lsd: false, encryption: 'disabled', port: 0, dhtBootstrap: [{ host: '127.0.0.1', port: 9 }],
    });
  });
});

function stats(address: string, flags: string, source: PeerStats['source']): PeerStats {
  return { address, client: 'libtorrent/2.0.8', downloadRate: 1234.6, uploadRate: 0, downloaded: 1, uploaded: 0, progress: 1, flags, source };
}

describe('peers view', () => {
  it('reads transport, encryption and direction from the engine flags', () => {
    expect(peerView(stats('127.0.0.1:1', 'DPE', 'dht'))).toMatchObject({ transport: 'utp', encrypted: true, incoming: false, source: 'dht', downloadRate: 1235 });
    expect(peerView(stats('127.0.0.1:2', 'UI', 'incoming'))).toMatchObject({ transport: 'tcp', encrypted: false, incoming: true, source: 'incoming' });
  });

  it('is sorted by address so rows do not jump', () => {
    const views = peerViews([stats('127.0.0.1:9', '', 'pex'), stats('127.0.0.1:10', '', 'tracker'), stats('127.0.0.1:1', '', 'dht')]);
    expect(views.map((v) => v.address)).toEqual(['127.0.0.1:1', '127.0.0.1:10', '127.0.0.1:9']);
  });

  it('peers travel only while a page watches, and a change in them alone is published', () => {
    vi.useFakeTimers();
    try {
      let peers: Record<string, ReturnType<typeof peerViews>> | undefined;
      const sent: unknown[] = [];
      const publisher = new SnapshotPublisher(() => [], (torrents, p) => sent.push(p) > 0, () => peers);
      publisher.force();
      expect(sent).toEqual([undefined]);
      peers = { ['a'.repeat(40)]: peerViews([stats('127.0.0.1:1', 'D', 'dht')]) };
      vi.advanceTimersByTime(600);
      expect(sent[1]).toEqual(peers);
      vi.advanceTimersByTime(600);
      expect(sent).toHaveLength(2); // nothing changed: nothing sent
      publisher.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
