// A tiny simulated UDP network for uTP tests: datagrams are delayed (with jitter, so they
// reorder), lost at a given rate, and delivered on a ManualClock. Not a test file.
import type { Endpoint } from '../../../src/platform/interfaces/index.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom } from '../../../src/engine/util/random.js';
import { createUtpTransport, type UtpLimits, type UtpTransportWithStats } from '../../../src/engine/utp/index.js';

export interface LinkOptions {
  loss?: number;
  delayMs?: number;
  jitterMs?: number;
  seed?: number;
}

export class SimLink {
  readonly clock = new ManualClock(1000);
  readonly random: SeededRandom;
  private readonly handlers = new Map<string, (data: Uint8Array, from: Endpoint) => void>();
  /** Every datagram sent, for inspection: [from, to, bytes]. */
  readonly sent: Array<{ from: Endpoint; to: Endpoint; data: Uint8Array }> = [];
  loss: number;
  /** When false, nothing is delivered (a peer that vanished). */
  up = true;

  constructor(private readonly options: LinkOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 7);
    this.loss = options.loss ?? 0;
  }

  /** A uTP transport at host:port on this link. */
  transport(host: string, port: number, limits?: Partial<UtpLimits>): UtpTransportWithStats {
    const from = { host, port };
    const transport = createUtpTransport({
      send: (data, to) => this.send(from, to, data),
      clock: this.clock,
      random: new SeededRandom(port),
      ...(limits ? { limits } : {}),
    });
    this.handlers.set(`${host}:${port}`, (data, src) => transport.handlePacket(data, src));
    return transport;
  }

  /** A raw endpoint: lets a test send crafted datagrams and see replies. */
  raw(host: string, port: number, onMessage: (data: Uint8Array, from: Endpoint) => void): (data: Uint8Array, to: Endpoint) => void {
    const from = { host, port };
    this.handlers.set(`${host}:${port}`, onMessage);
    return (data, to) => this.send(from, to, data);
  }

  send(from: Endpoint, to: Endpoint, data: Uint8Array): void {
    this.sent.push({ from, to, data });
    if (!this.up) return;
    if (this.loss > 0 && this.random.next() < this.loss) return;
    const delay = (this.options.delayMs ?? 5) + this.random.next() * (this.options.jitterMs ?? 0);
    const copy = data.slice();
    this.clock.setTimeout(() => this.handlers.get(`${to.host}:${to.port}`)?.(copy, from), delay);
  }

  /** Advance time in steps (letting promises settle) until `done()` or `maxMs` pass. */
  async runUntil(done: () => boolean, maxMs: number, stepMs = 5): Promise<boolean> {
    const end = this.clock.now() + maxMs;
    while (this.clock.now() < end) {
      if (done()) return true;
      this.clock.advance(stepMs);
      await Promise.resolve();
      await Promise.resolve();
    }
    return done();
  }

  async run(ms: number, stepMs = 5): Promise<void> {
    await this.runUntil(() => false, ms, stepMs);
  }
}
