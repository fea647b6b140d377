// Free ports on 127.0.0.1. The OS picks an unused port (bind to 0); we also check that UDP
// is free on the same number, because trackers and DHT listen on TCP and UDP at once.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const handedOut = new Set<number>();

function tcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => { socket.close(); resolve(false); });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP on 127.0.0.1, never the same twice in this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tcpPort();
    if (port === 0 || handedOut.has(port)) continue;
    if (!(await udpFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port on 127.0.0.1 after 50 attempts');
}

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
