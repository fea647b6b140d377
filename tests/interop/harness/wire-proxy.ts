// A TCP proxy on 127.0.0.1 that reads the BitTorrent wire both ways (plaintext only): tests see
// exactly what a peer was told, message by message, with the time it passed.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { WireParser } from '../../../src/engine/wire/message-parser.js';
import type { WireMessage } from '../../../src/engine/wire/messages.js';
import { toHex } from '../../../src/engine/util/bytes.js';

export interface WireEvent {
  at: number;
  /** Connection number (one per accepted client connection). */
  conn: number;
  /** 'down': from the target to the client; 'up': from the client to the target. */
  dir: 'down' | 'up';
  message: WireMessage;
}

export interface WireProxy {
  port: number;
  address: string;
  events: WireEvent[];
  /** The client's peer id (hex) on each connection, once its handshake passed. */
  clientIds: Map<number, string>;
  close(): Promise<void>;
}

let connections = 0;

/** Forward every connection to `target`, recording what passes. Parse errors end the recording of that direction, not the forwarding. */
export async function startWireProxy(target: { host: string; port: number }, pieceCount: number): Promise<WireProxy> {
  const events: WireEvent[] = [];
  const clientIds = new Map<number, string>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const conn = ++connections;
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const parse = (dir: 'down' | 'up'): ((chunk: Uint8Array) => void) => {
      let broken = false;
      const parser = new WireParser((message) => events.push({ at: Date.now(), conn, dir, message }), {
        expectHandshake: true,
        onHandshake: (h) => {
          if (dir === 'up') clientIds.set(conn, toHex(h.peerId));
        },
      });
      parser.setPieceCount(pieceCount);
      return (chunk) => {
        if (broken) return;
        try {
          parser.push(chunk);
        } catch {
          broken = true;
        }
      };
    };
    const down = parse('down');
    const up = parse('up');
    client.on('data', (chunk) => {
      up(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      down(chunk);
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    events,
    clientIds,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
