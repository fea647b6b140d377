/** Stand-ins in the stream table between an open frame and the OS's answer. */

/** A listener between TCP_LISTEN and LISTENING (or its failure). */
export class PendingListener {
  readonly type = 'listener';
  abort(): void {}
}

/** A UDP socket between UDP_BIND/UDP_JOIN and BOUND: datagrams sent meanwhile are dropped, as UDP may drop anything. */
export class PendingUdp {
  readonly type = 'udp';
  send(): void {}
  bufferedBytes(): number {
    return 0;
  }
  abort(): void {}
}
