import { encodeExtended } from '../wire/message-encoder.js';
import { encodePex, PexFlags, type PexPeer } from '../wire/ut-pex.js';
import type { PeerSession } from './peer-session.js';
import { formatEndpoint } from '../util/endpoint.js';

/** BEP 11: a peer gets a PEX message at most once a minute, with at most 50 added peers. */
const PEX_INTERVAL_MS = 60_000;
const MAX_ADDED_PER_MESSAGE = 50;

/**
 * Sends ut_pex (BEP 11) to every peer that supports it: the connectable addresses of the other
 * peers we are connected to, as changes since the last message to that peer. Never for private
 * torrents (BEP 27); the caller does not call this then.
 */
export class PexAnnouncer {
  private readonly sent = new WeakMap<PeerSession, { at: number; addresses: Set<string> }>();

  /** Called about once a second; each session is due once a minute. */
  tick(sessions: Iterable<PeerSession>, now: number): void {
    const all = [...sessions];
    const connectable = new Map<string, PexPeer>();
    for (const s of all) {
      const address = connectableAddress(s);
      if (address) connectable.set(address.key, address.peer);
    }
    for (const session of all) {
      const pexId = session.remoteExtensions.get('ut_pex');
      if (!pexId || session.conn.remote === null) continue;
      const previous = this.sent.get(session);
      if (previous && now - previous.at < PEX_INTERVAL_MS) continue;
      const own = connectableAddress(session)?.key;
      const before = previous?.addresses ?? new Set<string>();
      const added: PexPeer[] = [];
      const added6: PexPeer[] = [];
      for (const [key, peer] of connectable) {
        if (key === own || before.has(key)) continue;
        if (added.length + added6.length >= MAX_ADDED_PER_MESSAGE) break;
        (peer.host.includes(':') ? added6 : added).push(peer);
      }
      const dropped = [...before].filter((key) => !connectable.has(key)).map(parseKey);
      if (previous && added.length + added6.length + dropped.length === 0) continue;
      const now4 = dropped.filter((p) => !p.host.includes(':'));
      const now6 = dropped.filter((p) => p.host.includes(':'));
      session.conn.send(encodeExtended(pexId, encodePex({ added, added6, dropped: now4, dropped6: now6 })));
      const addresses = new Set(before);
      for (const p of [...added, ...added6]) addresses.add(formatEndpoint(p.host, p.port));
      for (const p of dropped) addresses.delete(formatEndpoint(p.host, p.port));
      this.sent.set(session, { at: now, addresses });
    }
  }
}

/** Where others can reach this peer: the address we dialed, or an incoming peer's listen port. */
function connectableAddress(s: PeerSession): { key: string; peer: PexPeer } | null {
  const { host, port } = s.conn.remoteEndpoint;
  const reachablePort = s.conn.outgoing ? port : s.listenPort;
  if (!reachablePort) return null;
  const flags = (s.peerHas === 'all' ? PexFlags.seed : 0) | (s.conn.outgoing ? PexFlags.reachable : 0);
  return { key: formatEndpoint(host, reachablePort), peer: { host, port: reachablePort, flags } };
}


function parseKey(key: string): { host: string; port: number } {
  const at = key.lastIndexOf(':');
  const host = key.slice(0, at).replace(/^\[|\]$/g, '');
  return { host, port: Number(key.slice(at + 1)) };
}
