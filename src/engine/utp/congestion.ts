/**
 * LEDBAT congestion control (BEP 29) and the retransmission timer (RFC 6298). Pure arithmetic:
 * the connection feeds it acks, delay samples, losses and timeouts; it answers with a window.
 */
import type { UtpLimits } from './limits.js';
import { seqDiff } from './packet.js';

/** Smoothed RTT and the retransmission timeout derived from it (RFC 6298, section 2). */
export class RttEstimator {
  private srtt: number | undefined;
  private rttvar = 0;
  private current: number;

  constructor(private readonly limits: UtpLimits) {
    this.current = limits.initialRtoMs;
  }

  get rtoMs(): number {
    return this.current;
  }

  get smoothedRttMs(): number | undefined {
    return this.srtt;
  }

  /** One RTT measurement from a packet sent once (Karn: never from a retransmission). */
  sample(rttMs: number): void {
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.current = this.clamp(this.srtt + 4 * this.rttvar);
  }

  /** RFC 6298 5.5: the timer backs off exponentially while timeouts repeat. */
  backoff(): void {
    this.current = this.clamp(this.current * 2);
  }

  private clamp(ms: number): number {
    return Math.min(this.limits.maxRtoMs, Math.max(this.limits.minRtoMs, ms));
  }
}

const MINUTE_MS = 60_000;
/** Delay samples averaged into "current delay" (libutp keeps the minimum of the last 3). */
const CURRENT_DELAY_SAMPLES = 3;

/** True if uint32 timestamp a is before b, allowing for wrap-around. */
function before32(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export class Ledbat {
  /** Congestion window: bytes we may have in flight. */
  cwnd: number;
  private slowStart = true;
  private ssthresh: number;
  /** One minimum per minute (BEP 29: base delay is the minimum over the last two minutes). */
  private readonly baseHistory: number[] = [];
  private bucketStartedAt = -Infinity;
  private readonly recent: number[] = [];
  private recoverSeq: number | undefined;

  constructor(private readonly limits: UtpLimits) {
    this.cwnd = Math.max(limits.minCwndBytes, 3 * limits.maxPayload);
    this.ssthresh = limits.maxCwndBytes;
  }

  get inSlowStart(): boolean {
    return this.slowStart;
  }

  /**
   * A timestamp_difference from the peer: its receive time minus our send time, on two
   * unrelated clocks. Only differences from the smallest one seen mean anything (queuing delay).
   * Returns our current queuing delay in microseconds.
   */
  delaySample(sampleUs: number, nowMs: number): number {
    if (nowMs - this.bucketStartedAt >= MINUTE_MS) {
      this.baseHistory.push(sampleUs);
      if (this.baseHistory.length > this.limits.baseDelayMinutes) this.baseHistory.shift();
      this.bucketStartedAt = nowMs;
    } else {
      const last = this.baseHistory.length - 1;
      if (before32(sampleUs, this.baseHistory[last]!)) this.baseHistory[last] = sampleUs;
    }
    let base = this.baseHistory[0]!;
    for (const b of this.baseHistory) if (before32(b, base)) base = b;
    const delay = (sampleUs - base) >>> 0;
    this.recent.push(delay > 0x7fffffff ? 0 : delay);
    if (this.recent.length > CURRENT_DELAY_SAMPLES) this.recent.shift();
    return Math.min(...this.recent);
  }

  /** The queuing delay LEDBAT steers by (0 until the first sample). */
  get currentDelayUs(): number {
    return this.recent.length === 0 ? 0 : Math.min(...this.recent);
  }

  /**
   * BEP 29: off_target = target - delay; cwnd += MAX_CWND_INCREASE * off_target/target *
   * bytes_acked/cwnd. Grows only when the window was actually used, so an idle or app-limited
   * connection does not bank a window it never tested.
   */
  onAck(bytesAcked: number, flightBefore: number): void {
    if (bytesAcked <= 0) return;
    const windowLimited = flightBefore + this.limits.maxPayload >= this.cwnd;
    const target = this.limits.targetDelayUs;
    const delay = this.currentDelayUs;
    const delayFactor = Math.max(-1, Math.min(1, (target - delay) / target));
    const windowFactor = Math.min(bytesAcked, this.cwnd) / Math.max(this.cwnd, bytesAcked);
    let gain = this.limits.maxCwndIncreasePerRtt * delayFactor * windowFactor;
    if (this.slowStart) {
      // Slow start (as libtorrent does) until the delay nears the target or a loss: LEDBAT's
      // linear growth alone would take minutes to fill a fast path.
      if (delay > target / 2 || this.cwnd >= this.ssthresh) this.slowStart = false;
      else gain = Math.max(gain, bytesAcked);
    }
    if (gain > 0 && !windowLimited) return;
    this.cwnd = this.clamp(this.cwnd + gain);
  }

  /**
   * A packet was lost (duplicate acks or a hole in selective acks): halve, at most once per
   * window of data (losses before `recoverSeq` belong to the same congestion event).
   */
  onLoss(lostSeq: number, nextSeq: number): void {
    if (this.recoverSeq !== undefined && seqDiff(lostSeq, this.recoverSeq) < 0) return;
    this.recoverSeq = nextSeq;
    this.slowStart = false;
    this.cwnd = this.clamp(this.cwnd / 2);
    this.ssthresh = this.cwnd;
  }

  /** Retransmission timeout: back to the smallest window, then slow start up to half of before. */
  onTimeout(nextSeq: number): void {
    this.ssthresh = Math.max(this.limits.minCwndBytes, this.cwnd / 2);
    this.cwnd = this.limits.minCwndBytes;
    this.slowStart = true;
    this.recoverSeq = nextSeq;
  }

  private clamp(bytes: number): number {
    return Math.min(this.limits.maxCwndBytes, Math.max(this.limits.minCwndBytes, bytes));
  }
}
