/**
 * Buffers for full-size DATA frames (the browser's bulk download), reused. A fresh 1 MiB Buffer
 * per frame was fresh memory for the kernel to map and zero: ~115 000 page faults per GiB
 * relayed (`npm run bench:browser`, pageFaultsByThread). A buffer comes back only once ws has
 * written the message that used it (its send callback), and only if this pool issued it.
 */
export class FramePool {
  private readonly free: ArrayBuffer[] = [];
  private readonly issued = new WeakSet<ArrayBuffer>();

  constructor(
    /** Size of every pooled buffer: a DATA header plus maxDataBytes. */
    readonly frameBytes: number,
    /** Idle buffers kept; frames in flight are bounded by the send budget, not by this. */
    private readonly keep = 16,
  ) {}

  /** A buffer of frameBytes whose contents are garbage (every byte sent is written first). */
  take(): Buffer {
    const spare = this.free.pop();
    if (spare) return Buffer.from(spare);
    // allocUnsafeSlow: never a slice of Node's shared pool, so the ArrayBuffer is ours alone.
    const buffer = Buffer.allocUnsafeSlow(this.frameBytes);
    this.issued.add(buffer.buffer);
    return buffer;
  }

  /** `message` has been written (or dropped): its memory may be reused if it is one of ours. */
  give(message: Uint8Array): void {
    const buffer = message.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.issued.has(buffer) || this.free.length >= this.keep) return;
    if (this.free.includes(buffer)) return;
    this.free.push(buffer);
  }

  /** Idle buffers (tests). */
  get idle(): number {
    return this.free.length;
  }
}
