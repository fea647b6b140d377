/**
 * IPv6 through the relay (RelayNetwork ↔ RelayServer in process): TCP connect to [::1], a
 * listener on ::1 accepting an IPv6 peer, a dual-stack listener on :: accepting an IPv4 peer
 * (address shown as 127.0.0.1, not ::ffff:127.0.0.1), and UDP on ::1. Skipped without ::1.
 */
import { createSocket } from 'node:dgram';
import { connect as netConnect, createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostLog } from '../../../native-host/log.js';
import { RelayServer } from '../../../native-host/relay-server.js';
import { RelayNetwork } from '../../../src/platform/browser/relay-network.js';
import type { Endpoint, TcpSocket } from '../../../src/platform/interfaces/net.js';
import { relayLimits } from '../../../src/relay/limits.js';
import { EXTENSION_ORIGIN, wsWithOrigin } from './helpers.js';

const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));
const SECRET = '0123456789abcdef0123456789abcdef';
let server: RelayServer;
let relay: RelayNetwork;

beforeAll(async () => {
  server = await RelayServer.start({ secret: SECRET, log: new HostLog('/dev/null'), allowedOrigins: [EXTENSION_ORIGIN], limits: relayLimits() });
  relay = await RelayNetwork.connect({ url: `ws://127.0.0.1:${server.port}`, secret: SECRET, WebSocketImpl: wsWithOrigin() });
});

afterAll(async () => {
  relay?.close();
  await server?.close();
});

function firstData(socket: TcpSocket): Promise<string> {
  return new Promise((resolve, reject) =>
    socket.setHandlers({ data: (chunk) => resolve(Buffer.from(chunk).toString()), close: (error) => reject(error ?? new Error('closed before data')) }),
  );
}

describe.skipIf(!HAS_IPV6_LOOPBACK)('relay over IPv6', () => {
  it('TCP_CONNECT to [::1]: CONNECTED names ::1, bytes flow both ways', async () => {
    const echo: Server = createServer((s) => s.on('error', () => undefined).pipe(s));
    await new Promise<void>((done) => echo.listen(0, '::1', done));
    try {
      const port = (echo.address() as AddressInfo).port;
      const socket = await relay.connect({ host: '::1', port });
      expect(socket.remote).toEqual({ host: '::1', port });
      const reply = firstData(socket);
      socket.write(Buffer.from('over v6'));
      expect(await reply).toBe('over v6');
      socket.destroy();
    } finally {
      echo.close();
    }
  });

  it('TCP_LISTEN on ::1 accepts an IPv6 peer; on :: an IPv4 peer shows as 127.0.0.1', async () => {
    for (const [listenOn, dialFrom] of [['::1', '::1'], ['::', '127.0.0.1']] as const) {
      let onConn!: (socket: TcpSocket) => void;
      const got = new Promise<TcpSocket>((resolve) => (onConn = resolve));
      const real = await relay.listen(0, listenOn, onConn);
      const client = netConnect(real.port, dialFrom);
      client.on('error', () => undefined);
      await new Promise((resolve) => client.once('connect', resolve));
      client.write('hello listener');
      const socket = await got;
      expect(socket.remote).toEqual({ host: dialFrom, port: client.localPort });
      expect(await firstData(socket)).toBe('hello listener');
      client.destroy();
      socket.destroy();
      await real.close();
    }
  });

  it('UDP on :: (dual-stack) reaches an IPv4 peer by address and by name, and an IPv6 one; answers come from plain addresses', async () => {
    const peer4 = createSocket('udp4');
    await new Promise<void>((done) => peer4.bind(0, '127.0.0.1', done));
    peer4.on('message', (msg, rinfo) => peer4.send(Buffer.concat([Buffer.from('v4:'), msg]), rinfo.port, rinfo.address));
    const peer6 = createSocket('udp6');
    await new Promise<void>((done) => peer6.bind(0, '::1', done));
    peer6.on('message', (msg, rinfo) => peer6.send(Buffer.concat([Buffer.from('v6:'), msg]), rinfo.port, rinfo.address));
    try {
      const udp = await relay.bindUdp(0, '::');
      const replies: { text: string; from: Endpoint }[] = [];
      udp.setHandler((data, from) => replies.push({ text: Buffer.from(data).toString(), from }));
      const port4 = peer4.address().port;
      const port6 = peer6.address().port;
      udp.send(Buffer.from('by address'), { host: '127.0.0.1', port: port4 });
      udp.send(Buffer.from('by name'), { host: 'localhost', port: port4 });
      udp.send(Buffer.from('to v6'), { host: '::1', port: port6 });
      const deadline = Date.now() + 5_000;
      while (replies.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(replies.sort((a, b) => a.text.localeCompare(b.text))).toEqual([
        { text: 'v4:by address', from: { host: '127.0.0.1', port: port4 } },
        { text: 'v4:by name', from: { host: '127.0.0.1', port: port4 } },
        { text: 'v6:to v6', from: { host: '::1', port: port6 } },
      ]);
      udp.close();
    } finally {
      peer4.close();
      peer6.close();
    }
  });

  it('UDP on ::1: a datagram to an IPv6 peer and its answer, from ::1', async () => {
    const peer = createSocket('udp6');
    await new Promise<void>((done) => peer.bind(0, '::1', done));
    peer.on('message', (msg, rinfo) => peer.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address));
    try {
      const udp = await relay.bindUdp(0, '::1');
      const reply = new Promise<{ text: string; from: Endpoint }>((resolve) => udp.setHandler((data, from) => resolve({ text: Buffer.from(data).toString(), from })));
      udp.send(Buffer.from('v6 datagram'), { host: '::1', port: peer.address().port });
      expect(await reply).toEqual({ text: 'echo:v6 datagram', from: { host: '::1', port: peer.address().port } });
      udp.close();
    } finally {
      peer.close();
    }
  });
});
