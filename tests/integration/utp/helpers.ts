// Our uTP transport on a real UDP socket (node:dgram through the Node platform), for tests
// and the benchmark against real peers on 127.0.0.1.
import { createNodePlatform } from '../../../src/platform/node/index.js';
import type { TcpSocket, UdpSocket } from '../../../src/platform/interfaces/index.js';
import { systemClock } from '../../../src/engine/util/clock.js';
import { mathRandom } from '../../../src/engine/util/random.js';
import { createUtpTransport, type UtpTransportWithStats } from '../../../src/engine/utp/index.js';

export interface UdpUtp {
  udp: UdpSocket;
  transport: UtpTransportWithStats;
  close(): void;
}

export async function bindUtp(stateDir: string, port = 0): Promise<UdpUtp> {
  const platform = createNodePlatform({ stateDir });
  const udp = await platform.network.bindUdp(port, '127.0.0.1');
  const transport = createUtpTransport({ send: (data, to) => udp.send(data, to), clock: systemClock, random: mathRandom });
  udp.setHandler((data, from) => {
    transport.handlePacket(data, from);
  });
  return {
    udp,
    transport,
    close() {
      transport.close();
      udp.close();
    },
  };
}

/** Reads a socket as a byte stream: `take(n)` resolves with exactly n bytes. */
export function reader(socket: TcpSocket): { take(n: number, timeoutMs: number): Promise<Uint8Array>; closed: Promise<Error | undefined> } {
  let buffered = new Uint8Array(0);
  let waiter: (() => void) | undefined;
  let closeResolve!: (e: Error | undefined) => void;
  let isClosed = false;
  const closed = new Promise<Error | undefined>((r) => (closeResolve = r));
  socket.setHandlers({
    data(chunk) {
      const next = new Uint8Array(buffered.length + chunk.length);
      next.set(buffered);
      next.set(chunk, buffered.length);
      buffered = next;
      waiter?.();
    },
    close(error) {
      isClosed = true;
      closeResolve(error);
      waiter?.();
    },
  });
  return {
    closed,
    take(n, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} bytes (have ${buffered.length})`)), timeoutMs);
        const check = () => {
          if (buffered.length >= n) {
            clearTimeout(timer);
            waiter = undefined;
            const out = buffered.slice(0, n);
            buffered = buffered.slice(n);
            resolve(out);
          } else if (isClosed) {
            clearTimeout(timer);
            reject(new Error(`connection closed with ${buffered.length} of ${n} bytes`));
          }
        };
        waiter = check;
        check();
      });
    },
  };
}
