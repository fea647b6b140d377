/**
 * uTP over the client's one UDP socket (BEP 29): routes datagrams to connections by address and
 * connection id, accepts SYNs, answers strays with ST_RESET, and runs the connections' timers.
 * The UDP socket itself belongs to the caller, which hands us datagrams through handlePacket()
 * and gives us a send function.
 */
import { NetError, type Endpoint, type TcpSocket } from '../../platform/interfaces/index.js';
import type { UtpTransport } from '../peer/transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { UtpConnection, type ConnectionContext } from './connection.js';
import { utpLimits, type UtpLimits } from './limits.js';
import { decodePacket, encodePacket, isUtpDatagram, microseconds, ST_RESET, ST_SYN, type UtpPacket } from './packet.js';

export interface UtpTransportOptions {
  /** Send one datagram on the shared UDP socket (the transport never reuses `data`). */
  send(data: Uint8Array, to: Endpoint): void;
  clock: Clock;
  random: Random;
  limits?: Partial<UtpLimits>;
}

/** Counters for tests and diagnostics. */
export interface UtpTransportStats {
  readonly connections: number;
  readonly dropped: number;
  readonly resetsSent: number;
}

export interface UtpTransportWithStats extends UtpTransport {
  stats(): UtpTransportStats;
}

function key(host: string, port: number, id: number): string {
  return `${host}|${port}|${id}`;
}

export function createUtpTransport(options: UtpTransportOptions): UtpTransportWithStats {
  const limits = utpLimits(options.limits);
  const { clock, random } = options;
  const connections = new Map<string, UtpConnection>();
  const listeners: Array<(socket: TcpSocket) => void> = [];
  let timer: TimerHandle | undefined;
  let closed = false;
  let dropped = 0;
  let resetsSent = 0;

  const ctx: ConnectionContext = {
    clock,
    limits,
    send: (datagram, to) => {
      if (!closed) options.send(datagram, to);
    },
    forget(connection) {
      const k = key(connection.remote.host, connection.remote.port, connection.recvId);
      if (connections.get(k) === connection) connections.delete(k);
      if (connections.size === 0 && timer !== undefined) {
        clock.clearTimeout(timer);
        timer = undefined;
      }
    },
  };

  function tick(): void {
    timer = undefined;
    const now = clock.now();
    for (const connection of [...connections.values()]) connection.tick(now);
    if (connections.size > 0 && !closed) timer = clock.setTimeout(tick, limits.tickMs);
  }

  function add(connection: UtpConnection): void {
    connections.set(key(connection.remote.host, connection.remote.port, connection.recvId), connection);
    if (timer === undefined) timer = clock.setTimeout(tick, limits.tickMs);
  }

  /** BEP 29: a packet for no connection we know is answered with ST_RESET (never a RESET). */
  function sendReset(to: Endpoint, packet: UtpPacket): void {
    if (packet.type === ST_RESET) return;
    resetsSent++;
    ctx.send(
      encodePacket({
        type: ST_RESET,
        connectionId: packet.connectionId,
        timestamp: microseconds(clock.now()),
        timestampDiff: 0,
        wndSize: 0,
        seqNr: random.int(0x10000),
        ackNr: packet.seqNr,
        payload: new Uint8Array(0),
      }),
      to,
    );
  }

  function onSyn(packet: UtpPacket, from: Endpoint): void {
    const existing = connections.get(key(from.host, from.port, (packet.connectionId + 1) & 0xffff));
    if (existing) {
      existing.handle(packet);
      return;
    }
    if (connections.size >= limits.maxConnections || listeners.length === 0) {
      sendReset(from, packet);
      return;
    }
    const connection = UtpConnection.accept(ctx, { host: from.host, port: from.port }, packet, random.int(0x10000));
    add(connection);
    for (const listener of listeners) listener(connection.socket);
  }

  /** A RESET may name either of our ids (libutp answers strays with the id it was sent). */
  function findForReset(packet: UtpPacket, from: Endpoint): UtpConnection | undefined {
    for (const delta of [0, -1, 1]) {
      const c = connections.get(key(from.host, from.port, (packet.connectionId + delta) & 0xffff));
      if (c && (delta === 0 || c.sendId === packet.connectionId)) return c;
    }
    return undefined;
  }

  return {
    handlePacket(data, from) {
      if (!isUtpDatagram(data)) return false;
      if (closed) return true;
      const decoded = decodePacket(data, limits);
      if ('error' in decoded) {
        dropped++;
        return true;
      }
      const packet = decoded.packet;
      if (packet.type === ST_SYN) {
        onSyn(packet, from);
        return true;
      }
      const connection =
        packet.type === ST_RESET ? findForReset(packet, from) : connections.get(key(from.host, from.port, packet.connectionId));
      if (!connection) {
        dropped++;
        sendReset(from, packet);
        return true;
      }
      connection.handle(packet);
      return true;
    },

    connect(to, connectOptions) {
      if (closed) return Promise.reject(new NetError('closed', 'uTP transport is closed'));
      if (connections.size >= limits.maxConnections) {
        return Promise.reject(new NetError('other', `too many uTP connections (limit ${limits.maxConnections})`));
      }
      // Our receive id: random, and neither it nor the send id (id + 1) in use with this peer.
      let recvId = -1;
      for (let attempt = 0; attempt < 64 && recvId < 0; attempt++) {
        const id = random.int(0x10000);
        if (!connections.has(key(to.host, to.port, id)) && !connections.has(key(to.host, to.port, (id + 1) & 0xffff))) recvId = id;
      }
      if (recvId < 0) return Promise.reject(new NetError('other', `no free uTP connection id for ${to.host}:${to.port}`));
      const timeoutMs = connectOptions?.timeoutMs ?? limits.connectTimeoutMs;
      const { connection, connected } = UtpConnection.connect(ctx, { host: to.host, port: to.port }, recvId, timeoutMs);
      add(connection);
      return connected.then(() => connection.socket as TcpSocket);
    },

    onIncoming(listener) {
      listeners.push(listener);
    },

    close() {
      if (closed) return;
      for (const connection of [...connections.values()]) connection.abort(new NetError('closed', 'uTP transport closed'));
      closed = true;
      connections.clear();
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },

    stats() {
      return { connections: connections.size, dropped, resetsSent };
    },
  };
}
