/**
 * Our outstanding KRPC queries: transaction ids, timeouts, and matching replies. A reply counts
 * only from the address the query went to, so an off-path sender cannot answer for a node.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import { toHex } from '../util/bytes.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { endpointKey, parseIPv4, parseIPv6 } from './compact.js';
import { encodeQuery, type KrpcError, type KrpcResponse, type QueryArgs, type QueryMethod } from './krpc.js';

/**
 * The reply to a query: the response, or null after an error reply or a timeout; `from` is where
 * it came from (the address queried, unless that was a host name).
 */
export type ReplyHandler = (response: KrpcResponse | null, from: Endpoint) => void;

interface Pending {
  /** "host:port" the reply must come from; ":port" when we asked a host name (bootstrap). */
  to: string;
  timer: TimerHandle;
  onReply: ReplyHandler;
}

const TID_LENGTH = 4;

export interface RpcOptions {
  send(data: Uint8Array, to: Endpoint): void;
  clock: Clock;
  randomBytes(n: number): Uint8Array;
  timeoutMs: number;
  maxOutstanding: number;
  /** Called for every query that times out (the routing table counts failures). */
  onTimeout(to: Endpoint): void;
}

export class Rpc {
  private readonly pending = new Map<string, Pending>();
  sent = 0;

  constructor(private readonly options: RpcOptions) {}

  get outstanding(): number {
    return this.pending.size;
  }

  /** Sends a query; false (and no callback) when too many are already in flight. */
  query(to: Endpoint, method: QueryMethod, ownId: Uint8Array, args: QueryArgs, onReply: ReplyHandler): boolean {
    if (this.pending.size >= this.options.maxOutstanding) return false;
    let t: Uint8Array;
    let key: string;
    do {
      t = this.options.randomBytes(TID_LENGTH).slice(0, TID_LENGTH);
      key = toHex(t);
    } while (this.pending.has(key));
    const timer = this.options.clock.setTimeout(() => {
      if (!this.pending.delete(key)) return;
      this.options.onTimeout(to);
      onReply(null, to);
    }, this.options.timeoutMs);
    const byName = parseIPv4(to.host) === null && parseIPv6(to.host) === null;
    this.pending.set(key, { to: byName ? `:${to.port}` : endpointKey(to), timer, onReply });
    this.sent++;
    this.options.send(encodeQuery(t, method, ownId, args), to);
    return true;
  }

  /** Routes a response or error to its query; false when nothing we sent matches it. */
  handleReply(message: KrpcResponse | KrpcError, from: Endpoint): boolean {
    const key = toHex(message.t);
    const entry = this.pending.get(key);
    if (!entry || (entry.to !== endpointKey(from) && entry.to !== `:${from.port}`)) return false;
    this.pending.delete(key);
    this.options.clock.clearTimeout(entry.timer);
    entry.onReply(message.kind === 'response' ? message : null, from);
    return true;
  }

  /** Forgets every query without calling back (the DHT is stopping). */
  clear(): void {
    for (const entry of this.pending.values()) this.options.clock.clearTimeout(entry.timer);
    this.pending.clear();
  }
}
