// The receive window follows the UDP socket's OS buffer (limitsForSocket): a peer that sends a
// whole window at once (libtorrent on loopback) cannot overflow a small kernel buffer, where each
// dropped datagram costs a retransmission, often on the peer's ~1 s timer.
import { describe, expect, it } from 'vitest';
import { decodePacket, ST_STATE } from '../../../src/engine/utp/packet.js';
import { DEFAULT_UTP_LIMITS, limitsForSocket } from '../../../src/engine/utp/limits.js';
import type { TcpSocket } from '../../../src/platform/interfaces/index.js';
import { SimLink } from './sim-link.js';

describe('limitsForSocket', () => {
  it('leaves the limits alone when the buffer is unknown', () => {
    expect(limitsForSocket(undefined)).toEqual({});
    expect(limitsForSocket(undefined, { maxPayload: 1000 })).toEqual({ maxPayload: 1000 });
  });

  it('caps the receive window at two thirds of the socket buffer (the kernel counts its bookkeeping there too)', () => {
    expect(limitsForSocket(212_992)).toEqual({ receiveBufferBytes: 141_994 });
    expect(limitsForSocket(8 * 1024 * 1024)).toEqual({ receiveBufferBytes: DEFAULT_UTP_LIMITS.receiveBufferBytes });
    expect(limitsForSocket(300_000, { receiveBufferBytes: 100_000 })).toEqual({ receiveBufferBytes: 100_000 });
  });

  it('never below 64 KiB, however small the buffer claims to be', () => {
    expect(limitsForSocket(1_000)).toEqual({ receiveBufferBytes: 64 * 1024 });
  });
});

describe('the advertised window over a small socket buffer', () => {
  it('a receiver limited to 128 KiB never advertises more, and the sender keeps within it', async () => {
    const link = new SimLink();
    const A = { host: '10.0.0.1', port: 6881 };
    const B = { host: '10.0.0.2', port: 6882 };
    const a = link.transport(A.host, A.port);
    const b = link.transport(B.host, B.port, limitsForSocket(128 * 1024));
    let server: TcpSocket | undefined;
    b.onIncoming((s) => (server = s));
    let client: TcpSocket | undefined;
    void a.connect(B).then((s) => (client = s));
    await link.runUntil(() => client !== undefined && server !== undefined, 5000);
    let got = 0;
    server!.setHandlers({ data: (c) => void (got += c.length), close: () => undefined });
    server!.pause(); // nothing read: the window is all the sender may have out
    client!.write(new Uint8Array(600 * 1024));
    await link.run(2000);
    const windows = link.sent
      .filter((s) => s.from.port === B.port)
      .map((s) => decodePacket(s.data, DEFAULT_UTP_LIMITS))
      .flatMap((r) => ('packet' in r && r.packet.type === ST_STATE ? [r.packet.wndSize] : []));
    expect(Math.max(...windows)).toBeLessThanOrEqual(128 * 1024);
    const sentPayload = link.sent.filter((s) => s.from.port === A.port).reduce((sum, s) => sum + Math.max(0, s.data.length - 20), 0);
    expect(sentPayload).toBeLessThan(128 * 1024 + 2 * DEFAULT_UTP_LIMITS.maxPayload + 4096);
    server!.resume();
    await link.runUntil(() => got === 600 * 1024, 30_000);
    expect(got).toBe(600 * 1024);
  });
});
