/**
 * Between the service worker (which answers the player's HTTP range requests) and the offscreen
 * document (which runs the engine): a BroadcastChannel, same extension origin. Bytes travel as
 * Uint8Array by structured clone (no base64, no JSON), which chrome.runtime ports cannot do.
 * Each stream has an id the worker picks; every request gets exactly one answer.
 */

export const STREAM_CHANNEL = 'torrentedge-stream';

/** Worker → offscreen. */
export type StreamRequest =
  | { type: 'open'; id: string; infoHash: string; fileIndex: number }
  | { type: 'read'; id: string; seq: number; offset: number; length: number }
  | { type: 'close'; id: string };

/** Offscreen → worker. */
export type StreamReply =
  | { type: 'opened'; id: string; size: number; name: string; path: string; torrentName: string }
  | { type: 'data'; id: string; seq: number; bytes: Uint8Array }
  | { type: 'failed'; id: string; seq?: number; error: string };

export function isStreamRequest(m: unknown): m is StreamRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id.length > 64) return false;
  switch (r.type) {
    case 'open':
      return typeof r.infoHash === 'string' && /^[0-9a-f]{40}$/.test(r.infoHash) && Number.isInteger(r.fileIndex);
    case 'read':
      return Number.isInteger(r.seq) && Number.isSafeInteger(r.offset) && Number.isSafeInteger(r.length);
    case 'close':
      return true;
    default:
      return false;
  }
}

export function isStreamReply(m: unknown): m is StreamReply {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.id === 'string' && (r.type === 'opened' || r.type === 'data' || r.type === 'failed');
}
