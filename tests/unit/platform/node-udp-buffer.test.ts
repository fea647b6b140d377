// The Node adapter's UDP sockets ask the kernel for a receive buffer that holds a uTP peer's
// whole burst (NODE_NETWORK_DEFAULTS.udpSocketBufferBytes). With the default (~208 KiB, about
// 90 full datagrams) a libtorrent seeder on loopback lost hundreds of datagrams per 32 MiB
// (RcvbufErrors), each resent late. Here 1,000 datagrams of 1,400 bytes arrive while our event
// loop is blocked (spawnSync): every one must be there when it runs again.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NodeNetwork, NODE_NETWORK_DEFAULTS } from '../../../src/platform/node/node-network.js';

function rmemMax(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
  } catch {
    return 0;
  }
}

const COUNT = 1000;
const BLAST = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"x" * 1400
for i in range(${COUNT}):
    s.sendto(payload, ("127.0.0.1", int(sys.argv[1])))
`;

describe.skipIf(rmemMax() < NODE_NETWORK_DEFAULTS.udpSocketBufferBytes)('Node UDP receive buffer', () => {
  it(`keeps a burst of ${COUNT} full datagrams that arrive while the event loop is busy`, async () => {
    const udp = await new NodeNetwork().bindUdp(0, '127.0.0.1');
    // What uTP sizes its receive window by (half of SO_RCVBUF, which Linux reports doubled).
    expect(udp.receiveBufferBytes).toBe(NODE_NETWORK_DEFAULTS.udpSocketBufferBytes);
    let received = 0;
    udp.setHandler(() => received++);
    try {
      const blast = spawnSync('/usr/bin/python3', ['-c', BLAST, String(udp.port)], { timeout: 20_000 });
      expect(blast.status, blast.stderr?.toString()).toBe(0);
      const deadline = Date.now() + 5_000;
      while (received < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received).toBe(COUNT);
    } finally {
      udp.close();
    }
  });

  it('with the old default buffer the same burst loses datagrams (what the test above guards)', async () => {
    const udp = await new NodeNetwork({ udpSocketBufferBytes: 0 }).bindUdp(0, '127.0.0.1');
    let received = 0;
    udp.setHandler(() => received++);
    try {
      spawnSync('/usr/bin/python3', ['-c', BLAST, String(udp.port)], { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toBeLessThan(COUNT);
    } finally {
      udp.close();
    }
  });
});
