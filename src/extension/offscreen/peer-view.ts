/**
 * The engine's PeerStats as the dashboard shows them: transport, encryption and direction are
 * read here from the engine's flag letters (peer-session.ts `stats()`), so the page renders
 * fields and never decodes anything.
 */
import type { PeerStats } from '../../engine/session/types.js';
import type { PeerView } from '../messages.js';

export function peerView(peer: PeerStats): PeerView {
  return {
    address: peer.address,
    ...(peer.client !== undefined ? { client: peer.client } : {}),
    source: peer.source,
    transport: peer.flags.includes('P') ? 'utp' : 'tcp',
    encrypted: peer.flags.includes('E'),
    incoming: peer.flags.includes('I'),
    downloadRate: Math.round(peer.downloadRate),
    uploadRate: Math.round(peer.uploadRate),
    progress: peer.progress,
    flags: peer.flags,
  };
}

/** Sorted by address so the list does not jump around between snapshots. */
export function peerViews(peers: readonly PeerStats[]): PeerView[] {
  return peers.map(peerView).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
