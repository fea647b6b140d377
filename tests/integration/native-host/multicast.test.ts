/**
 * UDP_JOIN (relay protocol 4): the host joins BEP 14's LSD groups for the browser and nothing
 * else. In process (RelayServer), on the loopback interface: every member joins
 * 239.192.152.143:6771 on 127.0.0.1, so no datagram leaves this machine. Datagrams carry a
 * random token: other programs on this machine may use the LSD group at the same time.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HostLog } from '../../../native-host/log.js';
import { RelayServer } from '../../../native-host/relay-server.js';
import { RelayNetwork } from '../../../src/platform/browser/relay-network.js';
import { bindNodeMulticast } from '../../../src/platform/node/node-network.js';
import type { Endpoint, UdpSocket } from '../../../src/platform/interfaces/net.js';
import { relayLimits } from '../../../src/relay/limits.js';
import { decodeMessage } from '../../../src/relay/batch.js';
import { encodeFrame, MIN_RELAY_PROTOCOL_VERSION, Op, RELAY_PROTOCOL_VERSION, type Frame } from '../../../src/relay/protocol.js';
import { EXTENSION_ORIGIN, relayProtocols, wsWithOrigin } from './helpers.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const GROUP = '239.192.152.143';
const LSD_PORT = 6771;
const log = new HostLog('/dev/null');
const servers: RelayServer[] = [];
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const server of servers.splice(0)) await server.close();
});

async function startServer(): Promise<RelayServer> {
  const server = await RelayServer.start({ secret: SECRET, log, allowedOrigins: [EXTENSION_ORIGIN], limits: relayLimits() });
  servers.push(server);
  return server;
}

/** A raw client speaking `version`: frames in, decoded frames out. */
async function rawClient(version: number): Promise<{ send(frame: Frame): void; next(op: number, stream?: number): Promise<Frame>; closed: Promise<{ code: number; reason: string }> }> {
  const server = await startServer();
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, relayProtocols(SECRET), { origin: EXTENSION_ORIGIN });
  closers.push(() => ws.close());
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data: Buffer) => {
    decodeMessage(new Uint8Array(data), 'host', relayLimits(), (frame) => frames.push(frame));
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
  await new Promise((done) => ws.once('open', done));
  const client = {
    send: (frame: Frame) => ws.send(encodeFrame(frame)),
    async next(op: number, stream?: number): Promise<Frame> {
      for (;;) {
        const index = frames.findIndex((f) => f.op === op && (stream === undefined || ('stream' in f && f.stream === stream)));
        if (index >= 0) return frames.splice(index, 1)[0]!;
        await new Promise<void>((done) => (wake = done));
      }
    },
    closed,
  };
  client.send({ op: Op.HELLO, version, window: 1 << 20 });
  return client;
}

/** A Node member of the LSD group on lo, collecting what it hears. */
async function loopbackMember(): Promise<{ socket: UdpSocket; heard: Array<{ text: string; from: Endpoint }> }> {
  const socket = await bindNodeMulticast({ group: GROUP, port: LSD_PORT, interfaceAddress: '127.0.0.1', ttl: 1, loopback: true });
  closers.push(() => socket.close());
  const heard: Array<{ text: string; from: Endpoint }> = [];
  socket.setHandler((data, from) => heard.push({ text: Buffer.from(data).toString(), from }));
  return { socket, heard };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function token(): string {
  return randomBytes(8).toString('hex');
}

describe('relay multicast (UDP_JOIN)', () => {
  it('a version-3 client is still served (HELLO_OK carries 3), and UDP_JOIN from it is a protocol error', async () => {
    expect(MIN_RELAY_PROTOCOL_VERSION).toBeLessThan(RELAY_PROTOCOL_VERSION);
    const raw = await rawClient(3);
    expect(await raw.next(Op.HELLO_OK)).toMatchObject({ version: 3 });
    raw.send({ op: Op.UDP_JOIN, stream: 1, port: LSD_PORT, interfaceAddress: '127.0.0.1', group: GROUP });
    expect(await raw.closed).toMatchObject({ code: 4000, reason: expect.stringMatching(/UDP_JOIN needs relay protocol 4/) });
  });

  it.each([
    ['another multicast group', '239.1.2.3', LSD_PORT, ''],
    ['the LSD group on another port', GROUP, 6772, ''],
    ['a unicast address', '127.0.0.1', LSD_PORT, ''],
    ['an interface of the other family', GROUP, LSD_PORT, '::1'],
  ])('refuses %s with a CLOSE; the connection stays', async (_name, group, port, iface) => {
    const raw = await rawClient(RELAY_PROTOCOL_VERSION);
    await raw.next(Op.HELLO_OK);
    raw.send({ op: Op.UDP_JOIN, stream: 1, port, interfaceAddress: iface, group });
    expect(await raw.next(Op.CLOSE, 1)).toMatchObject({ kind: 'other', message: expect.stringMatching(/local service discovery groups|not an address of the group's family/) });
    raw.send({ op: Op.UDP_BIND, stream: 2, host: '127.0.0.1', port: 0 });
    expect(await raw.next(Op.BOUND, 2)).toMatchObject({ op: Op.BOUND });
  });

  it('RelayNetwork.bindMulticast joins the LSD group on lo: datagrams go both ways with a Node member', async () => {
    const member = await loopbackMember();
    const server = await startServer();
    const relay = await RelayNetwork.connect({ url: `ws://127.0.0.1:${server.port}`, secret: SECRET, WebSocketImpl: wsWithOrigin() });
    closers.push(() => relay.close());
    const joined = await relay.bindMulticast({ group: GROUP, port: LSD_PORT, interfaceAddress: '127.0.0.1', ttl: 1, loopback: true });
    expect(joined.port).toBe(LSD_PORT);
    const relayHeard: string[] = [];
    joined.setHandler((data) => relayHeard.push(Buffer.from(data).toString()));

    const fromRelay = `relay->group ${token()}`;
    joined.send(Buffer.from(fromRelay), { host: GROUP, port: LSD_PORT });
    await waitFor(() => member.heard.some((h) => h.text === fromRelay), 5_000, 'the Node member to hear the relay');
    expect(member.heard.find((h) => h.text === fromRelay)!.from.host).toBe('127.0.0.1');

    const fromNode = `node->group ${token()}`;
    member.socket.send(Buffer.from(fromNode), { host: GROUP, port: LSD_PORT });
    await waitFor(() => relayHeard.includes(fromNode), 5_000, 'the relay member to hear the Node member');
  });

  it('a joined socket sends only to its group, and only datagrams of at most 1400 bytes', async () => {
    const member = await loopbackMember();
    const unicast: DgramSocket = createSocket('udp4');
    await new Promise<void>((done) => unicast.bind(0, '127.0.0.1', done));
    closers.push(() => unicast.close());
    const unicastHeard: string[] = [];
    unicast.on('message', (msg) => unicastHeard.push(msg.toString()));

    const raw = await rawClient(RELAY_PROTOCOL_VERSION);
    await raw.next(Op.HELLO_OK);
    raw.send({ op: Op.UDP_JOIN, stream: 1, port: LSD_PORT, interfaceAddress: '127.0.0.1', group: GROUP });
    expect(await raw.next(Op.BOUND, 1)).toMatchObject({ port: LSD_PORT });

    const id = token();
    raw.send({ op: Op.UDP_SEND, stream: 1, host: '127.0.0.1', port: unicast.address().port, data: Buffer.from(`unicast ${id}`) });
    raw.send({ op: Op.UDP_SEND, stream: 1, host: GROUP, port: LSD_PORT + 1, data: Buffer.from(`other port ${id}`) });
    raw.send({ op: Op.UDP_SEND, stream: 1, host: GROUP, port: LSD_PORT, data: Buffer.from(`big ${id} `.padEnd(1401, 'x')) });
    raw.send({ op: Op.UDP_SEND, stream: 1, host: GROUP, port: LSD_PORT, data: Buffer.from(`fits ${id} `.padEnd(1400, 'x')) });
    // The host handles frames in order: once the last one is heard, the others were dropped.
    await waitFor(() => member.heard.some((h) => h.text.startsWith(`fits ${id}`)), 5_000, 'the allowed datagram');
    await new Promise((r) => setTimeout(r, 100));
    expect(member.heard.filter((h) => h.text.includes(id)).map((h) => h.text.slice(0, 4))).toEqual(['fits']);
    expect(unicastHeard).toEqual([]);
  });
});
