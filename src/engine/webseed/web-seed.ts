/**
 * A web seed (BEP 19, `url-list`): an HTTP server holding the torrent's files, used as one more
 * source of blocks for the piece picker. It takes blocks from the picker as a peer that has
 * every piece would, fetches them in runs (a whole piece, or what is left of one) with ranged
 * GETs, and hands them to the torrent in the picker's 16 KiB blocks.
 *
 * A server that fails is retried after an exponential backoff and disabled when it keeps
 * failing; one whose data fails the hash check (the torrent reports it with onHashFailure) is
 * disabled too. Either way the reason is in stats().lastError.
 */
import type { HttpClient } from '../../platform/interfaces/http.js';
import type { TorrentMeta } from '../metainfo/index.js';
import type { BlockRef, PiecePicker } from '../swarm/piece-picker.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { RateMeter } from '../util/rate-meter.js';
import { fetchSpan, WebSeedFetchError } from './fetch-span.js';
import { resolveWebSeedLimits, type WebSeedLimits } from './limits.js';
import { blockRuns, fileSpans, splitRuns, type BlockRun } from './ranges.js';
import { WebSeedUrls } from './url.js';

/** What the torrent gives a web seed. */
export interface WebSeedHost {
  readonly meta: TorrentMeta;
  readonly picker: PiecePicker;
  /** An accepted block (a view: copy if kept). On `pieceComplete` the torrent verifies the piece. */
  onBlock(fromId: string, index: number, begin: number, block: Uint8Array, pieceComplete: boolean): void;
  /** False while the disk is behind: request nothing new. */
  canRequest(): boolean;
  /** Rate gate: record bytes moved, returns ms to wait before fetching more. */
  readonly download: { spend(bytes: number): number };
  /** Endgame: `peerId` was also asked for this block; it may be cancelled there. */
  onCancelElsewhere?(peerId: string, index: number, begin: number, length: number): void;
  /** The web seed gave up; `reason` is the message stats().lastError shows. */
  onWebSeedDisabled?(id: string, reason: string): void;
}

export type WebSeedState = 'stopped' | 'active' | 'backoff' | 'disabled';

export interface WebSeedStats {
  url: string;
  /** Payload bytes received from the server. */
  downloaded: number;
  /** Bytes per second, recent. */
  rate: number;
  /** Failed requests, all told. */
  errors: number;
  hashFailures: number;
  state: WebSeedState;
  /** Why the last request failed, or why the seed was disabled. */
  lastError?: string;
  inFlight: number;
}

export interface WebSeedOptions {
  url: string;
  host: WebSeedHost;
  http: HttpClient;
  clock: Clock;
  limits?: Partial<WebSeedLimits>;
}

interface Job {
  run: BlockRun;
  controller: AbortController;
  timer: TimerHandle | undefined;
  /** failureEpoch at launch: a job launched before the last failure belongs to the same outage. */
  epoch: number;
}

export function createWebSeed(options: WebSeedOptions): WebSeed {
  return new WebSeed(options);
}

export class WebSeed {
  /** The picker's peer id for this seed. */
  readonly id: string;
  readonly url: string;
  private readonly host: WebSeedHost;
  private readonly http: HttpClient;
  private readonly clock: Clock;
  private readonly limits: WebSeedLimits;
  private readonly urls: WebSeedUrls | null = null;
  /** Blocks picked per free request slot. */
  private readonly blocksPerRun: number;
  /** Most blocks in one request. */
  private readonly runCap: number;
  private readonly blockLength: number;
  private readonly meter: RateMeter;
  private state: WebSeedState = 'stopped';
  private lastError: string | undefined;
  private readonly jobs = new Set<Job>();
  private bytesInFlight = 0;
  /** No new request before this time (backoff, or the rate gate). */
  private holdUntil = 0;
  private wakeTimer: TimerHandle | undefined;
  private wakeAt = Infinity;
  private failuresInARow = 0;
  private failureEpoch = 0;
  private errors = 0;
  private hashFailures = 0;
  private downloaded = 0;

  constructor(options: WebSeedOptions) {
    this.url = options.url;
    this.id = `web:${options.url}`;
    this.host = options.host;
    this.http = options.http;
    this.clock = options.clock;
    this.limits = resolveWebSeedLimits(options.limits);
    this.meter = new RateMeter(this.clock);
    const geometry = this.host.picker.geometry;
    // A whole piece per request, unless pieces are larger than maxRequestBytes; adjacent
    // pieces picked together are fetched together, up to maxRequestBytes.
    this.blockLength = geometry.blockLength;
    this.runCap = Math.max(1, Math.floor(this.limits.maxRequestBytes / geometry.blockLength));
    this.blocksPerRun = Math.min(geometry.blocksPerPiece, this.runCap);
    try {
      this.urls = new WebSeedUrls(options.url, this.host.meta);
    } catch (error) {
      // A bad url-list entry is the torrent's problem, not a crash: show it and never fetch.
      this.state = 'disabled';
      this.lastError = errorMessage(error);
    }
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'active';
    this.host.picker.addPeer(this.id, 'all');
    this.fill();
  }

  /** Drops requests in flight (their blocks go back to the picker). A disabled seed stays disabled. */
  stop(): void {
    if (this.state === 'stopped' || this.state === 'disabled') return;
    this.halt();
    this.state = 'stopped';
  }

  /** Look for work now (e.g. the disk caught up, or a failed piece put blocks back). */
  wake(): void {
    this.fill();
  }

  /** A piece with data from this seed failed its hash check. */
  onHashFailure(index: number): void {
    if (this.state === 'disabled') return;
    this.hashFailures++;
    this.lastError = `web seed ${this.url}: piece ${index} failed the hash check`;
    if (this.hashFailures >= this.limits.maxHashFailures) {
      this.disable(
        `web seed ${this.url}: ${this.hashFailures} pieces failed the hash check; the server's files differ from the torrent's`,
      );
    }
  }

  stats(): WebSeedStats {
    const stats: WebSeedStats = {
      url: this.url,
      downloaded: this.downloaded,
      rate: this.meter.rate(),
      errors: this.errors,
      hashFailures: this.hashFailures,
      state: this.state,
      inFlight: this.jobs.size,
    };
    if (this.lastError !== undefined) stats.lastError = this.lastError;
    return stats;
  }

  // --- requests -------------------------------------------------------------------------------

  private get running(): boolean {
    return this.state === 'active' || this.state === 'backoff';
  }

  private fill(): void {
    if (!this.running) return;
    const now = this.clock.now();
    if (now < this.holdUntil) {
      this.wakeIn(this.holdUntil - now);
      return;
    }
    if (this.state === 'backoff') this.state = 'active';
    const picker = this.host.picker;
    while (this.hasRoom()) {
      if (!this.host.canRequest()) return this.wakeIn(this.limits.idlePollMs);
      const bySize = Math.ceil((this.limits.maxBytesInFlight - this.bytesInFlight) / (this.blocksPerRun * this.blockLength));
      const slots = Math.max(1, Math.min(this.maxJobs() - this.jobs.size, bySize));
      const want = this.blocksPerRun * slots;
      let blocks = picker.pickBlocks(this.id, 'all', want);
      // Blocks come back to the pool when a peer drops or a piece fails: look again later.
      if (blocks.length === 0) return this.wakeIn(this.limits.idlePollMs);
      if (blocks.length === want) blocks = this.dropCutPiece(blocks);
      for (const run of splitRuns(blockRuns(blocks, this.host.meta.pieceLength), this.runCap)) {
        if (this.hasRoom()) this.launch(run);
        else for (const b of run.blocks) picker.onRequestFailed(this.id, b.index, b.begin);
      }
    }
  }

  /** Requests are few, and their bytes bounded (each is held in memory until it is complete). */
  private hasRoom(): boolean {
    if (this.jobs.size === 0) return true;
    return this.jobs.size < this.maxJobs() && this.bytesInFlight < this.limits.maxBytesInFlight;
  }

  /** After a failure, one request probes the server until one succeeds: no burst at a sick server. */
  private maxJobs(): number {
    return this.failuresInARow > 0 ? 1 : this.limits.maxRequestsInFlight;
  }

  /**
   * The picker fills `max` from as many pieces as it takes, so the last piece of a full pick may
   * be cut short; its remainder would then cost a request of its own. Give that piece back
   * (whole pieces make fewer, larger requests), unless it is the only one.
   */
  private dropCutPiece(blocks: BlockRef[]): BlockRef[] {
    const last = blocks[blocks.length - 1]!;
    // A piece ending in padding is whole once its last real block is in (BEP 47: pad blocks are never asked for).
    if (last.begin + last.length === this.host.picker.padBlocks.requestEnd(last.index)) return blocks;
    let k = blocks.length - 1;
    while (k > 0 && blocks[k - 1]!.index === last.index) k--;
    if (k === 0) return blocks;
    for (let i = k; i < blocks.length; i++) this.host.picker.onRequestFailed(this.id, blocks[i]!.index, blocks[i]!.begin);
    return blocks.slice(0, k);
  }

  private wakeIn(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.wakeTimer !== undefined && this.wakeAt <= at) return;
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.fill();
    }, ms);
  }

  private launch(run: BlockRun): void {
    const job: Job = { run, controller: new AbortController(), timer: undefined, epoch: this.failureEpoch };
    const ms = this.limits.requestTimeoutMs;
    job.timer = this.clock.setTimeout(() => {
      this.settle(job, new WebSeedFetchError(`web seed ${this.url}: no answer within ${ms} ms`));
    }, ms);
    this.jobs.add(job);
    this.bytesInFlight += run.length;
    this.fetchRun(run, job.controller.signal).then(
      (data) => this.settle(job, data),
      (error: unknown) => this.settle(job, error),
    );
  }

  /** The run's bytes: one ranged GET per file it touches; padding files stay zeros (BEP 47). */
  private async fetchRun(run: BlockRun, signal: AbortSignal): Promise<Uint8Array> {
    const files = this.host.meta.files;
    const spans = fileSpans(files, run.start, run.length);
    let out: Uint8Array | undefined;
    for (const span of spans) {
      if (span.padding) continue;
      if (signal.aborted) throw new WebSeedFetchError(`web seed ${this.url}: cancelled`);
      const fileLength = files[span.fileIndex]!.length;
      const url = this.urls!.fileUrl(span.fileIndex);
      const bytes = await fetchSpan(this.http, { url, fileOffset: span.fileOffset, length: span.length, fileLength }, this.limits, signal);
      this.received(bytes.length);
      // The common case, one file holding the whole run: no copy.
      if (spans.length === 1) return bytes;
      out ??= new Uint8Array(run.length);
      out.set(bytes, span.rangeOffset);
    }
    return out ?? new Uint8Array(run.length);
  }

  private received(bytes: number): void {
    this.downloaded += bytes;
    this.meter.add(bytes);
    const wait = this.host.download.spend(bytes);
    if (wait > 0) this.holdUntil = Math.max(this.holdUntil, this.clock.now() + wait);
  }

  /** A job ends once: by its data, its error, or its timeout, whichever comes first. */
  private settle(job: Job, outcome: unknown): void {
    if (!this.jobs.delete(job)) return; // stopped, or already timed out
    this.bytesInFlight -= job.run.length;
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    if (outcome instanceof Uint8Array) this.deliver(job.run, outcome);
    else {
      job.controller.abort();
      this.fail(job, outcome);
    }
    this.fill();
  }

  private deliver(run: BlockRun, data: Uint8Array): void {
    this.failuresInARow = 0;
    const picker = this.host.picker;
    const pieceLength = this.host.meta.pieceLength;
    for (const b of run.blocks) {
      if (!this.running) return; // the torrent stopped us from inside onBlock
      const result = picker.onBlockReceived(this.id, b.index, b.begin);
      if (result.accepted) {
        const at = b.index * pieceLength + b.begin - run.start;
        this.host.onBlock(this.id, b.index, b.begin, data.subarray(at, at + b.length), result.pieceComplete);
      }
      for (const other of result.cancelFrom) this.host.onCancelElsewhere?.(other, b.index, b.begin, b.length);
    }
  }

  private fail(job: Job, error: unknown): void {
    const picker = this.host.picker;
    for (const b of job.run.blocks) picker.onRequestFailed(this.id, b.index, b.begin);
    this.errors++;
    this.lastError = errorMessage(error);
    if (error instanceof WebSeedFetchError && error.fatal) return this.disable(this.lastError);
    // Requests sent before the last failure fail together in one outage: count it once.
    if (job.epoch !== this.failureEpoch) return;
    this.failureEpoch++;
    this.failuresInARow++;
    if (this.failuresInARow >= this.limits.maxConsecutiveFailures) {
      return this.disable(`${this.lastError} (${this.failuresInARow} failures in a row: web seed disabled)`);
    }
    const { backoffBaseMs, backoffMaxMs } = this.limits;
    const retryAfter = error instanceof WebSeedFetchError ? error.retryAfterMs : undefined;
    const backoff = Math.min(retryAfter ?? backoffBaseMs * 2 ** (this.failuresInARow - 1), backoffMaxMs);
    this.holdUntil = Math.max(this.holdUntil, this.clock.now() + backoff);
    this.state = 'backoff';
  }

  private disable(reason: string): void {
    this.halt();
    this.state = 'disabled';
    this.lastError = reason;
    this.host.onWebSeedDisabled?.(this.id, reason);
  }

  /** Cancel everything in flight and give its blocks back to the picker. */
  private halt(): void {
    for (const job of this.jobs) {
      if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
      job.controller.abort();
    }
    this.jobs.clear();
    this.bytesInFlight = 0;
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
    // Before start() the seed was never added; removePeer ignores unknown ids.
    this.host.picker.removePeer(this.id);
  }
}
