/**
 * BEP 15 (UDP tracker protocol) packet encoding and decoding. Pure functions; the socket,
 * retransmission and connection ids live in udp-tracker.ts.
 */
import { fromUtf8, readUint32BE, writeUint16BE, writeUint32BE } from '../util/bytes.js';
import type { AnnounceEvent, AnnounceRequest, ScrapeResponse } from './types.js';

export const UDP_ACTION = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;

/** BEP 15: the connect request's magic protocol id 0x41727101980, as two 32-bit halves. */
const PROTOCOL_ID_HIGH = 0x417;
const PROTOCOL_ID_LOW = 0x27101980;

/** BEP 15 event codes. */
const EVENT_CODE: Record<AnnounceEvent, number> = { completed: 1, started: 2, stopped: 3 };

export type UdpResponse =
  | { action: 'connect'; transactionId: number; connectionId: Uint8Array }
  | { action: 'announce'; transactionId: number; interval: number; leechers: number; seeders: number; peers: Uint8Array }
  | { action: 'scrape'; transactionId: number; entries: ScrapeResponse[] }
  | { action: 'error'; transactionId: number; message: string };

/** connect: protocol_id u64, action u32 = 0, transaction_id u32 (16 bytes). */
export function encodeConnect(transactionId: number): Uint8Array {
  const out = new Uint8Array(16);
  writeUint32BE(out, 0, PROTOCOL_ID_HIGH);
  writeUint32BE(out, 4, PROTOCOL_ID_LOW);
  writeUint32BE(out, 8, UDP_ACTION.connect);
  writeUint32BE(out, 12, transactionId);
  return out;
}

/**
 * announce (98 bytes): connection_id u64, action u32 = 1, transaction_id u32, info_hash 20,
 * peer_id 20, downloaded u64, left u64, uploaded u64, event u32, ip u32 (0 = sender),
 * key u32, num_want i32 (-1 = default), port u16.
 */
export function encodeAnnounce(connectionId: Uint8Array, transactionId: number, request: AnnounceRequest): Uint8Array {
  const out = new Uint8Array(98);
  out.set(connectionId.subarray(0, 8), 0);
  writeUint32BE(out, 8, UDP_ACTION.announce);
  writeUint32BE(out, 12, transactionId);
  out.set(request.infoHash.subarray(0, 20), 16);
  out.set(request.peerId.subarray(0, 20), 36);
  writeUint64BE(out, 56, request.downloaded);
  writeUint64BE(out, 64, request.left);
  writeUint64BE(out, 72, request.uploaded);
  writeUint32BE(out, 80, request.event ? EVENT_CODE[request.event] : 0);
  writeUint32BE(out, 84, 0);
  writeUint32BE(out, 88, request.key >>> 0);
  writeUint32BE(out, 92, request.numWant === undefined ? 0xffffffff : Math.max(0, Math.trunc(request.numWant)));
  writeUint16BE(out, 96, request.port);
  return out;
}

/** scrape: connection_id u64, action u32 = 2, transaction_id u32, then 20 bytes per info hash. */
export function encodeScrape(connectionId: Uint8Array, transactionId: number, infoHashes: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(16 + 20 * infoHashes.length);
  out.set(connectionId.subarray(0, 8), 0);
  writeUint32BE(out, 8, UDP_ACTION.scrape);
  writeUint32BE(out, 12, transactionId);
  infoHashes.forEach((hash, i) => out.set(hash.subarray(0, 20), 16 + 20 * i));
  return out;
}

/**
 * Decode a packet from a tracker. Returns null for anything that is not a well-formed BEP 15
 * response (too short, unknown action): the caller ignores it, as BEP 15 asks.
 */
export function decodeUdpResponse(packet: Uint8Array, maxMessageLength: number): UdpResponse | null {
  if (packet.length < 8) return null;
  const action = readUint32BE(packet, 0);
  const transactionId = readUint32BE(packet, 4);
  switch (action) {
    case UDP_ACTION.connect:
      if (packet.length < 16) return null;
      return { action: 'connect', transactionId, connectionId: packet.slice(8, 16) };
    case UDP_ACTION.announce:
      if (packet.length < 20) return null;
      return {
        action: 'announce',
        transactionId,
        interval: readUint32BE(packet, 8),
        leechers: readUint32BE(packet, 12),
        seeders: readUint32BE(packet, 16),
        peers: packet.subarray(20),
      };
    case UDP_ACTION.scrape: {
      // seeders u32, completed u32, leechers u32 per info hash, in request order.
      const entries: ScrapeResponse[] = [];
      for (let at = 8; at + 12 <= packet.length; at += 12) {
        entries.push({
          complete: readUint32BE(packet, at),
          downloaded: readUint32BE(packet, at + 4),
          incomplete: readUint32BE(packet, at + 8),
        });
      }
      return { action: 'scrape', transactionId, entries };
    }
    case UDP_ACTION.error:
      return { action: 'error', transactionId, message: fromUtf8(packet.subarray(8, 8 + maxMessageLength)).trim() };
    default:
      return null;
  }
}

function writeUint64BE(bytes: Uint8Array, offset: number, value: number): void {
  const v = Math.max(0, Math.trunc(value));
  writeUint32BE(bytes, offset, Math.floor(v / 0x1_0000_0000));
  writeUint32BE(bytes, offset + 4, v % 0x1_0000_0000);
}
