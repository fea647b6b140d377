/**
 * Sending a datagram from a node:dgram socket, IPv4 and IPv6 alike. A dual-stack socket (udp6
 * bound to ::) reaches IPv4 peers only through IPv4-mapped addresses (::ffff:a.b.c.d), and dgram
 * would resolve a host name for it as IPv6 only: DHT routers without an AAAA record would be
 * unreachable. So on such a socket names are resolved here, IPv4 first (every IPv4 address is
 * reachable from ::), and IPv4 destinations are mapped.
 */
import type { Socket as DgramSocket } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP, isIPv4 } from 'node:net';

export function sendDatagram(socket: DgramSocket, dualStack: boolean, data: Uint8Array, port: number, host: string, done: (error?: Error | null) => void): void {
  const send = (address: string): void => {
    try {
      socket.send(data, port, dualStack && isIPv4(address) ? `::ffff:${address}` : address, done);
    } catch (error) {
      done(error as Error);
    }
  };
  if (!dualStack || isIP(host) !== 0) return send(host);
  lookup(host, { all: true }, (error, addresses) => {
    if (error || addresses.length === 0) return done(error ?? new Error(`${host} has no address`));
    send((addresses.find((a) => a.family === 4) ?? addresses[0]!).address);
  });
}
