/** Local service discovery (BEP 14): groups, timing and parser limits, visible in one place. */

/** BEP 14's multicast groups: A) org-local IPv4, B) site-local IPv6. */
export const LSD_IPV4_GROUP = Object.freeze({ host: '239.192.152.143', port: 6771 });
export const LSD_IPV6_GROUP = Object.freeze({ host: 'ff15::efc0:988f', port: 6771 });

export interface LsdLimits {
  /** BEP 14: each torrent is announced every 5 minutes while active. */
  readonly announceIntervalMs: number;
  /** BEP 14: no more than one announce (datagram) per minute, against multicast storms. */
  readonly minSendIntervalMs: number;
  /** BEP 14: an announce with several infohashes stays under 1400 bytes (MTU). */
  readonly maxPacketBytes: number;
  /** Incoming: longer datagrams are dropped unread. */
  readonly maxIncomingBytes: number;
  /** Incoming: header lines read at most (request line excluded). */
  readonly maxHeaders: number;
  /** Incoming: Infohash headers taken from one announce; the rest are ignored. */
  readonly maxInfohashes: number;
  /** Incoming: longest cookie kept, in characters. */
  readonly maxCookieLength: number;
  /** Incoming: announces processed per minute (all senders together); the rest are dropped. */
  readonly maxIncomingPerMinute: number;
  /** IP_MULTICAST_TTL: 1 keeps announces on the local link. */
  readonly ttl: number;
}

export const DEFAULT_LSD_LIMITS: LsdLimits = Object.freeze({
  announceIntervalMs: 5 * 60_000,
  minSendIntervalMs: 60_000,
  maxPacketBytes: 1400,
  maxIncomingBytes: 2048,
  maxHeaders: 40,
  maxInfohashes: 32,
  maxCookieLength: 64,
  maxIncomingPerMinute: 120,
  ttl: 1,
});
