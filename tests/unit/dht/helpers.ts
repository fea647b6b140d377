/** A deterministic in-memory UDP network of Dht nodes, for unit tests. */
import { createDht, type Dht, type DhtOptions } from '../../../src/engine/dht/index.js';
import { resolveDhtLimits, type DhtLimits } from '../../../src/engine/dht/limits.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import type { Endpoint } from '../../../src/platform/interfaces/index.js';

export function seededBytes(seed: number): (n: number) => Uint8Array {
  const random = new SeededRandom(seed);
  return (n) => Uint8Array.from({ length: n }, () => random.int(256));
}

export function id(firstByte: number, rest = 0): Uint8Array {
  const out = new Uint8Array(20).fill(rest);
  out[0] = firstByte;
  return out;
}

export interface Datagram {
  data: Uint8Array;
  from: Endpoint;
  to: Endpoint;
}

export class FakeNet {
  readonly clock = new ManualClock(1_000_000);
  readonly nodes = new Map<string, Dht>();
  readonly queue: Datagram[] = [];
  /** Every datagram ever sent, for assertions. */
  readonly log: Datagram[] = [];
  private seed = 1;

  add(port: number, extra: Partial<DhtOptions> & { limits?: Partial<DhtLimits> } = {}): Dht {
    const from = { host: '127.0.0.1', port };
    const dht = createDht({
      send: (data, to) => {
        const d = { data, from, to };
        this.queue.push(d);
        this.log.push(d);
      },
      clock: this.clock,
      random: new SeededRandom(this.seed),
      randomBytes: seededBytes(this.seed++ * 7919),
      bootstrap: [],
      ...extra,
    });
    this.nodes.set(`127.0.0.1:${port}`, dht);
    return dht;
  }

  /** Delivers queued datagrams (and the ones they cause) until the network is quiet. */
  flush(max = 100_000): void {
    for (let n = 0; n < max && this.queue.length > 0; n++) {
      const d = this.queue.shift()!;
      this.nodes.get(`${d.to.host}:${d.to.port}`)?.handlePacket(d.data, d.from);
    }
  }

  /** Moves time on in steps, delivering packets between them. */
  run(ms: number, step = 100): void {
    for (let t = 0; t < ms; t += step) {
      this.flush();
      this.clock.advance(step);
    }
    this.flush();
  }
}

export const testLimits = resolveDhtLimits();
