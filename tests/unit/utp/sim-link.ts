// A tiny simulated UDP network for uTP tests: datagrams are delayed (with jitter, so they
// reorder), lost and duplicated at given rates, optionally cut to a receive buffer's size (as
// recvfrom() into a fixed buffer does: libtorrent reads into 1500 bytes), and delivered on a
// ManualClock. Not a test file.
import type { Endpoint } from '../../../src/platform/interfaces/index.js';
import { ManualClock } from '../../../src/engine/util/clock.js';
import { SeededRandom, type Random } from '../../../src/engine/util/random.js';
import { createUtpTransport, type UtpLimits, type UtpTransportWithStats } from '../../../src/engine/utp/index.js';

export interface LinkOptions {
  loss?: number;
  delayMs?: number;
  jitterMs?: number;
  seed?: number;
  /** Chance that a delivered datagram arrives twice (each copy with its own delay). */
  duplicate?: number;
  /** Receivers read into a buffer of this many bytes: longer datagrams arrive truncated. */
  receiveBufferBytes?: number;
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
  /** A test's own loss: datagrams for which this returns true are dropped. */
  drop: ((from: Endpoint, to: Endpoint, data: Uint8Array) => boolean) | undefined;

  constructor(private readonly options: LinkOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 7);
    this.loss = options.loss ?? 0;
  }

  /** A uTP transport at host:port on this link. */
  transport(host: string, port: number, limits?: Partial<UtpLimits>, random: Random = new SeededRandom(port)): UtpTransportWithStats {
    const from = { host, port };
    const transport = createUtpTransport({
      send: (data, to) => this.send(from, to, data),
      clock: this.clock,
      random,
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
    if (this.drop?.(from, to, data)) return;
    if (this.loss > 0 && this.random.next() < this.loss) return;
    const copies = this.options.duplicate && this.random.next() < this.options.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = (this.options.delayMs ?? 5) + this.random.next() * (this.options.jitterMs ?? 0);
      const copy = data.slice(0, this.options.receiveBufferBytes ?? data.length);
      this.clock.setTimeout(() => this.handlers.get(`${to.host}:${to.port}`)?.(copy, from), delay);
    }
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
