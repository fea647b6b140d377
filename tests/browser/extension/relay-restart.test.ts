// What the extension's engine restart (a network settings change) relies on in the relay, through
// the real host process in Node: the old Client's listening TCP and UDP sockets are closed in
// order on the same WebSocket, so the new Client can take the same port at once (TCP and UDP,
// as the DHT and uTP share it); and a burst of small datagrams from one turn (DHT queries, uTP
// packets) leaves batched and arrives whole and in order.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayNetwork } from '../../../src/platform/browser/relay-network.js';
import { freePort } from '../../interop/harness/ports.js';
import { HostProcess, requireBuild, wsWithOrigin } from '../../integration/native-host/helpers.js';

let host: HostProcess;
let relay: RelayNetwork;

beforeAll(async () => {
  requireBuild();
  host = HostProcess.spawn();
  const ready = await host.ready();
  relay = await RelayNetwork.connect({ url: `ws://127.0.0.1:${ready.port}`, secret: ready.secret, WebSocketImpl: wsWithOrigin() });
});

afterAll(async () => {
  relay?.close();
  await host?.stop();
});

describe('relay: restarting the engine over the same relay', () => {
  it('a closed TCP listener and UDP socket free their port for the next listen and bind at once', async () => {
    const port = await freePort();
    for (let round = 0; round < 5; round++) {
      const listener = await relay.listen(port, '0.0.0.0', () => undefined);
      const udp = await relay.bindUdp(port, '0.0.0.0');
      expect([listener.port, udp.port]).toEqual([port, port]);
      // Closed and rebound in the same turn, as Client.close() then Client.create() do.
      await listener.close();
      udp.close();
    }
  });

  it('the port is really taken while bound: a second bind is refused, not silently moved', async () => {
    const port = await freePort();
    const udp = await relay.bindUdp(port, '0.0.0.0');
    await expect(relay.bindUdp(port, '0.0.0.0')).rejects.toThrow();
    udp.close();
    const again = await relay.bindUdp(port, '0.0.0.0');
    expect(again.port).toBe(port);
    again.close();
  });
});

describe('relay: UDP bursts', () => {
  it('300 datagrams sent in one turn (past the old 256-send cap) reach their peers whole and in order, and 300 replies come back', async () => {
    // Three receivers of 100 each: one socket's kernel buffer (rmem_default) holds fewer than
    // 300 back-to-back datagrams, and a loss there would say nothing about the relay.
    const peers = await Promise.all(
      [0, 1, 2].map(async (p) => {
        const socket = createSocket('udp4');
        await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
        const seen: string[] = [];
        socket.on('message', (msg, rinfo) => {
          seen.push(msg.toString());
          if (seen.length < 100) return;
          // All in: 100 short replies back-to-back, one peer after the other.
          setTimeout(() => {
            for (const text of seen) socket.send(`re:${text.slice(0, 4)}`, rinfo.port, rinfo.address);
          }, p * 100);
        });
        return { socket, seen, port: socket.address().port };
      }),
    );
    const udp = await relay.bindUdp(0, '127.0.0.1');
    const replies: string[] = [];
    let allBack!: () => void;
    const all = new Promise<void>((done) => (allBack = done));
    udp.setHandler((data) => {
      replies.push(Buffer.from(data).toString());
      if (replies.length === 300) allBack();
    });
    // DHT- and uTP-sized payloads (20 to 1400 bytes), each numbered, round-robin over the peers.
    const sent = Array.from({ length: 300 }, (_, i) => `${String(i).padStart(4, '0')}:${'x'.repeat(16 + ((i * 37) % 1380))}`);
    sent.forEach((text, i) => udp.send(Buffer.from(text), { host: '127.0.0.1', port: peers[i % 3]!.port }));
    await Promise.race([all, new Promise((r) => setTimeout(r, 5_000))]);
    peers.forEach((peer, p) => expect(peer.seen, `datagrams peer ${p} got`).toEqual(sent.filter((_, i) => i % 3 === p)));
    expect(replies.sort()).toEqual(sent.map((t) => `re:${t.slice(0, 4)}`).sort());
    udp.close();
    for (const peer of peers) peer.socket.close();
  });
});
